/* Searchable unit picker (orgs.forms.UnitSearchInput): type a name or pinyin initials, the
   server answers with at most 20 units; ↓/↑ move, Enter picks (the first result when none is
   highlighted) and moves to the next field, Esc closes. Typing again clears the choice. */
(function () {
  "use strict";

  function nextField(el) {
    var form = el.form;
    if (!form) return;
    var fields = Array.prototype.filter.call(
      form.querySelectorAll("input, select, textarea, button"),
      function (f) {
        return !f.disabled && f.type !== "hidden" && f.offsetParent !== null && f.tabIndex >= 0;
      }
    );
    var i = fields.indexOf(el);
    if (i >= 0 && fields[i + 1]) fields[i + 1].focus();
  }

  function setup(root) {
    if (root.dataset.unitPickerReady) return;
    root.dataset.unitPickerReady = "1";
    var input = root.querySelector("[data-unit-search]");
    var hidden = root.querySelector("[data-unit-value]");
    var list = root.querySelector("[data-unit-results]");
    var url = root.dataset.url;
    var timer = null;
    var pending = null; // the request in flight, so Enter can wait for it
    var active = -1;
    var shownFor = null; // the query whose results the list holds
    var chosenLabel = input.value;

    function options() {
      return Array.prototype.slice.call(list.querySelectorAll("[data-unit-option]"));
    }
    function open(show) {
      list.classList.toggle("show", show);
      input.setAttribute("aria-expanded", show ? "true" : "false");
    }
    function highlight(i) {
      var opts = options();
      active = opts.length ? Math.max(0, Math.min(i, opts.length - 1)) : -1;
      opts.forEach(function (o, j) {
        o.classList.toggle("active", j === active);
        o.setAttribute("aria-selected", j === active ? "true" : "false");
      });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", opts[active].id);
        opts[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function choose(opt) {
      hidden.value = opt.dataset.unitOption;
      input.value = chosenLabel = opt.dataset.unitLabel;
      input.classList.remove("is-invalid");
      open(false);
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function search() {
      var q = input.value.trim();
      if (!q) {
        list.innerHTML = "";
        shownFor = null;
        open(false);
        pending = null;
        return Promise.resolve();
      }
      var sep = url.indexOf("?") >= 0 ? "&" : "?";
      var request = fetch(url + sep + "q=" + encodeURIComponent(q), {
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (request !== pending) return; // an older answer arriving late
          list.innerHTML = html;
          shownFor = q;
          highlight(-1);
          open(list.innerHTML.trim() !== "");
        });
      pending = request;
      return request;
    }

    input.addEventListener("input", function () {
      if (input.value !== chosenLabel) hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (!list.classList.contains("show") && options().length) open(true);
        highlight(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Escape") {
        if (list.classList.contains("show")) { e.preventDefault(); open(false); }
      } else if (e.key === "Enter" && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        var typed = input.value.trim();
        if (hidden.value && typed === chosenLabel) { nextField(input); return; }
        if (!typed) { nextField(input); return; }
        // Enter before the answer came: search now (dropping the wait) and pick from it.
        clearTimeout(timer);
        timer = null;
        var ready = shownFor === typed ? Promise.resolve() : search();
        ready.then(function () {
          var opts = options();
          var opt = opts[active >= 0 ? active : 0];
          if (opt) { choose(opt); nextField(input); }
        });
      }
    });
    list.addEventListener("mousedown", function (e) {
      var opt = e.target.closest("[data-unit-option]");
      if (opt) { e.preventDefault(); choose(opt); }
    });
    input.addEventListener("blur", function () { open(false); });
  }

  function init(scope) {
    Array.prototype.forEach.call(
      (scope || document).querySelectorAll("[data-unit-picker]"), setup
    );
  }
  init(document);
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();
