/* Several units picked from a server search (notices.forms.UnitMultiSearchInput): type a name
   or pinyin initials, ↓/↑ move, Enter (or a click) adds the unit as a chip holding a hidden
   input; the chip's × removes it. Uses the orgs unit search's result fragment. */
(function () {
  "use strict";

  function setup(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var input = root.querySelector("[data-unit-multi-search]");
    var list = root.querySelector("[data-unit-results]");
    var chips = root.querySelector("[data-unit-chips]");
    var name = root.dataset.name;
    var url = root.dataset.url;
    var timer = null;
    var active = -1;

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
      opts.forEach(function (o, j) { o.classList.toggle("active", j === active); });
    }
    function add(opt) {
      var pk = opt.dataset.unitOption;
      if (!chips.querySelector('[data-unit-chip="' + pk + '"]')) {
        var chip = document.createElement("span");
        chip.className = "badge bg-blue-lt d-inline-flex align-items-center gap-1";
        chip.dataset.unitChip = pk;
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = name;
        hidden.value = pk;
        var close = document.createElement("button");
        close.type = "button";
        close.className = "btn-close btn-close-sm ms-1";
        close.setAttribute("aria-label", "×");
        close.dataset.unitRemove = "";
        chip.appendChild(hidden);
        chip.appendChild(document.createTextNode(opt.dataset.unitLabel));
        chip.appendChild(close);
        chips.appendChild(chip);
      }
      input.value = "";
      list.innerHTML = "";
      open(false);
    }
    function search() {
      var q = input.value.trim();
      if (!q) { list.innerHTML = ""; open(false); return Promise.resolve(); }
      var sep = url.indexOf("?") >= 0 ? "&" : "?";
      return fetch(url + sep + "q=" + encodeURIComponent(q), {
        headers: { "HX-Request": "true" }, credentials: "same-origin",
      })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (input.value.trim() !== q) return;
          list.innerHTML = html;
          highlight(-1);
          open(list.innerHTML.trim() !== "");
        });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        highlight(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Escape") {
        open(false);
      } else if (e.key === "Enter") {
        e.preventDefault();
        if (!input.value.trim()) return;
        clearTimeout(timer);
        search().then(function () {
          var opts = options();
          var opt = opts[active >= 0 ? active : 0];
          if (opt) add(opt);
        });
      }
    });
    list.addEventListener("mousedown", function (e) {
      var opt = e.target.closest("[data-unit-option]");
      if (opt) { e.preventDefault(); add(opt); }
    });
    chips.addEventListener("click", function (e) {
      if (e.target.matches("[data-unit-remove]")) e.target.closest("[data-unit-chip]").remove();
    });
    input.addEventListener("blur", function () { open(false); });
  }

  function init() { document.querySelectorAll("[data-unit-multi]").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
