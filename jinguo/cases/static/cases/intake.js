/* Intake pages: keyboard-only category picker, GBV type toggle, picking a person from the
   phone look-up, anonymous toggle, extra party rows, Ctrl+Enter to submit.
   Everything degrades: without this script the form is plain HTML and still works. */
(function () {
  "use strict";
  var form = document.querySelector("[data-intake-form]");
  if (!form) return;

  // --- category picker -------------------------------------------------------------------
  var search = form.querySelector("[data-category-search]");
  var select = form.querySelector("select[name='category_node']");
  var gbvWrap = form.querySelector("[data-gbv-wrap]");

  function selectedOption() {
    return select ? select.options[select.selectedIndex] : null;
  }
  function toggleGbv() {
    if (!gbvWrap) return;
    var opt = selectedOption();
    var violent = opt && opt.dataset.violence === "1";
    var hasError = gbvWrap.querySelector(".invalid-feedback");
    gbvWrap.hidden = !(violent || hasError);
  }
  function visibleOptions() {
    return Array.prototype.filter.call(select.options, function (o) {
      return !o.hidden && o.value;
    });
  }
  function focusNext(el) {
    var fields = Array.prototype.filter.call(
      form.querySelectorAll("input, select, textarea, button"),
      function (f) {
        return !f.disabled && f.type !== "hidden" && f.offsetParent !== null && f.tabIndex >= 0;
      }
    );
    var i = fields.indexOf(el);
    if (i >= 0 && fields[i + 1]) fields[i + 1].focus();
  }
  if (search && select) {
    if (select.size < 2) select.size = 8;
    search.addEventListener("input", function () {
      var q = search.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (o) {
        if (!o.value) { o.hidden = q !== ""; return; }
        o.hidden = q !== "" && (o.dataset.search || o.text).toLowerCase().indexOf(q) < 0;
      });
      var shown = visibleOptions();
      if (shown.length === 1) { shown[0].selected = true; toggleGbv(); }
    });
    search.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        e.preventDefault();
        var shown = visibleOptions();
        if (shown.length && (!selectedOption() || selectedOption().hidden || !select.value)) {
          shown[0].selected = true;
          toggleGbv();
        }
        select.focus();
      } else if (e.key === "Enter" && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        var first = visibleOptions()[0];
        if (first && (!select.value || selectedOption().hidden)) first.selected = true;
        toggleGbv();
        focusNext(select);
      }
    });
    select.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        toggleGbv();
        focusNext(select);
      }
    });
    select.addEventListener("change", toggleGbv);
    toggleGbv();
  }

  // --- complainant: pick from the look-up, or a new one, or anonymous ----------------------
  var hidden = form.querySelector("input[name='complainant']");
  var picked = form.querySelector("[data-picked]");
  var fresh = form.querySelector("[data-new-complainant]");
  var anonymous = form.querySelector("input[name='anonymous']");

  function showComplainant() {
    var anon = anonymous && anonymous.checked;
    var hasPick = hidden && hidden.value;
    if (picked) picked.hidden = anon || !hasPick;
    if (fresh) fresh.hidden = anon || !!hasPick;
  }
  document.addEventListener("click", function (e) {
    var pick = e.target.closest("[data-pick-person]");
    if (pick && hidden) {
      hidden.value = pick.dataset.pickPerson;
      var label = picked && picked.querySelector("[data-picked-label]");
      if (label) label.textContent = pick.dataset.pickLabel;
      if (anonymous) anonymous.checked = false;
      showComplainant();
      if (search) search.focus();
      return;
    }
    if (e.target.closest("[data-unpick]") && hidden) {
      hidden.value = "";
      showComplainant();
      var name = form.querySelector("input[name='nc_name']");
      if (name) name.focus();
    }
  });
  if (anonymous) anonymous.addEventListener("change", showComplainant);
  showComplainant();

  // A new named caller must be filed in a community or grid: say so as soon as a name is
  // typed, and check it before sending rather than after.
  var ncName = form.querySelector("input[name='nc_name']");
  var unitWrap = form.querySelector("[data-unit-required-when-named]");
  function unitRequired() {
    if (!unitWrap || !ncName) return false;
    // A case handed straight to a unit: the server files her there when it is a community.
    var handling = form.querySelector("select[name='org']");
    if (handling && handling.value) return false;
    return !!ncName.value.trim() && !(anonymous && anonymous.checked) && !(hidden && hidden.value);
  }
  function markUnit() {
    if (!unitWrap) return;
    var label = unitWrap.querySelector("[data-unit-label]");
    var search = unitWrap.querySelector("[data-unit-search]");
    var need = unitRequired();
    if (label) label.classList.toggle("required", need);
    if (search) search.setAttribute("aria-required", need ? "true" : "false");
  }
  if (ncName) ncName.addEventListener("input", markUnit);
  if (anonymous) anonymous.addEventListener("change", markUnit);
  document.addEventListener("click", markUnit);
  markUnit();
  form.addEventListener("submit", function (e) {
    if (!unitRequired()) return;
    var value = unitWrap.querySelector("[data-unit-value]");
    if (value && value.value) return;
    e.preventDefault();
    var search = unitWrap.querySelector("[data-unit-search]");
    var note = unitWrap.querySelector("[data-unit-missing]");
    if (!note) {
      note = document.createElement("div");
      note.className = "invalid-feedback d-block";
      note.setAttribute("data-unit-missing", "");
      note.setAttribute("data-testid", "nc-org-error");
      note.textContent = unitWrap.dataset.missingText || "";
      unitWrap.appendChild(note);
    }
    if (search) { search.classList.add("is-invalid"); search.focus(); }
  });

  // In the phone box, ↓ jumps to the first record found (Enter must not submit half a form).
  var phone = form.querySelector("input[name='caller_phone']");
  if (phone) {
    phone.addEventListener("keydown", function (e) {
      if ((e.key === "ArrowDown" || e.key === "Enter") && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        var first = document.querySelector("[data-pick-person]");
        var name = form.querySelector("input[name='nc_name']");
        if (first) first.focus();
        else if (name && name.offsetParent !== null) name.focus(); // a first call: her name
        else focusNext(phone);
      }
    });
  }

  // --- more party rows ---------------------------------------------------------------------
  var addParty = form.querySelector("[data-add-party]");
  var template = form.querySelector("template[data-party-template]");
  var rows = form.querySelector("[data-party-rows]");
  var total = form.querySelector("input[name='party-TOTAL_FORMS']");
  if (addParty && template && rows && total) {
    addParty.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = rows.lastElementChild && rows.lastElementChild.querySelector("select");
      if (added) added.focus();
    });
  }

  // --- Alt+N/P/U pick the urgency (access keys differ between browsers; this does not) -----
  var URGENCY_KEYS = { KeyN: "normal", KeyP: "priority", KeyU: "urgent" };
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey || !URGENCY_KEYS[e.code]) return;
    var radio = form.querySelector("input[name='urgency'][value='" + URGENCY_KEYS[e.code] + "']");
    if (radio) {
      e.preventDefault();
      radio.checked = true;
      radio.dispatchEvent(new Event("change", { bubbles: true }));
      // Already in the urgency group: stay on the chosen one, so Tab goes on to the summary.
      if (document.activeElement && document.activeElement.name === "urgency") radio.focus();
    }
  });

  // --- Ctrl+Enter submits from anywhere in the form ----------------------------------------
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    }
  });
})();
