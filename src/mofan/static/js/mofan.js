// Mofan: small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // A long organisation list is fetched after the page is shown, keeping the chosen value.
  function loadOptions(select) {
    var url = select.dataset.optionsUrl;
    if (!url || select.dataset.optionsLoaded) { return Promise.resolve(); }
    select.dataset.optionsLoaded = "1";
    var chosen = Array.prototype.map.call(select.selectedOptions, function (o) { return o.value; });
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
      .then(function (html) {
        select.innerHTML = html;
        Array.prototype.forEach.call(select.options, function (option) {
          option.selected = chosen.indexOf(option.value) !== -1;
        });
        select.dispatchEvent(new CustomEvent("mofan:options"));
      })
      .catch(function () { delete select.dataset.optionsLoaded; });
  }

  // Type to narrow the options of a tree picker.
  function makeFilterable(select) {
    if (select.dataset.filterReady || select.disabled) { return; }
    select.dataset.filterReady = "1";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-1";
    input.placeholder = select.dataset.filterPlaceholder || "";
    input.setAttribute("aria-label", input.placeholder);
    select.parentNode.insertBefore(input, select);
    input.addEventListener("input", function () {
      var needle = input.value.trim();
      var firstShown = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var show = !needle || option.text.indexOf(needle) !== -1 || option.value === "";
        option.hidden = !show;
        option.disabled = !show && option.value !== select.value;
        if (show && option.value !== "" && firstShown === null) { firstShown = option; }
      });
      var current = select.options[select.selectedIndex];
      if (firstShown && (!current || current.hidden)) { select.value = firstShown.value; }
    });
  }

  // Several organisations: a search box, the matches as a list box (arrow keys, Enter,
  // Escape), the chosen ones as chips with a remove button. The real <select multiple> stays
  // in the form (hidden) and is what is sent; the server checks every choice.
  var pickerCount = 0;
  function makeMultiPicker(select) {
    if (select.dataset.multiReady) { return; }
    select.dataset.multiReady = "1";
    pickerCount += 1;
    var base = select.id || "mofan-multi-" + pickerCount;
    var wrap = document.createElement("div");
    wrap.className = "mofan-multipicker";
    var chips = document.createElement("ul");
    chips.className = "mofan-chips list-unstyled d-flex flex-wrap gap-1 mb-1";
    var input = document.createElement("input");
    input.type = "text";
    input.id = base + "-search";
    input.className = "form-control";
    input.placeholder = select.dataset.filterPlaceholder || "";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var list = document.createElement("ul");
    list.id = base + "-listbox";
    list.className = "mofan-multipicker-list list-group";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label) {
      label.htmlFor = input.id;
      label.id = label.id || base + "-label";
      list.setAttribute("aria-labelledby", label.id);
    }
    if (select.getAttribute("aria-describedby")) {
      input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    }
    if (select.classList.contains("is-invalid")) { input.classList.add("is-invalid"); }
    select.parentNode.insertBefore(wrap, select);
    wrap.appendChild(chips);
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(status);
    wrap.appendChild(select);
    select.hidden = true;
    select.tabIndex = -1;
    var active = -1;
    var shown = [];

    function name(option) { return option.text.trim(); }

    function drawChips() {
      chips.innerHTML = "";
      Array.prototype.forEach.call(select.selectedOptions, function (option) {
        var chip = document.createElement("li");
        chip.className = "badge text-bg-light border d-inline-flex align-items-center gap-1 fs-6 fw-normal";
        chip.dataset.value = option.value;
        var text = document.createElement("span");
        text.textContent = name(option);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn-close btn-close-sm";
        remove.style.fontSize = "0.6rem";
        remove.setAttribute("aria-label", (select.dataset.removeLabel || "") + " " + name(option));
        remove.addEventListener("click", function () {
          option.selected = false;
          status.textContent = (select.dataset.removeLabel || "") + " " + name(option);
          drawChips();
          drawList();
          input.focus();
        });
        chip.appendChild(text);
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }

    function open(yes) {
      list.hidden = !yes;
      input.setAttribute("aria-expanded", yes ? "true" : "false");
      if (!yes) { input.removeAttribute("aria-activedescendant"); active = -1; }
    }

    function drawList() {
      var needle = input.value.trim();
      shown = [];
      Array.prototype.forEach.call(select.options, function (option) {
        if (option.value === "" || option.selected || shown.length >= 50) { return; }
        if (!needle || option.text.indexOf(needle) !== -1) { shown.push(option); }
      });
      list.innerHTML = "";
      if (active >= shown.length) { active = shown.length - 1; }
      shown.forEach(function (option, i) {
        var item = document.createElement("li");
        item.id = base + "-option-" + i;
        item.className = "list-group-item list-group-item-action py-2" + (i === active ? " active" : "");
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", i === active ? "true" : "false");
        item.textContent = option.text;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(option);
        });
        list.appendChild(item);
      });
      if (!shown.length) {
        var none = document.createElement("li");
        none.className = "list-group-item text-muted py-2";
        none.textContent = select.dataset.optionsUrl && !select.dataset.optionsLoaded
          ? (select.dataset.loading || "") : (select.dataset.noMatch || "");
        list.appendChild(none);
      }
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", base + "-option-" + active);
        var current = document.getElementById(base + "-option-" + active);
        if (current && current.scrollIntoView) { current.scrollIntoView({ block: "nearest" }); }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(option) {
      option.selected = true;
      status.textContent = name(option);
      input.value = "";
      active = -1;
      drawChips();
      drawList();
      input.focus();
    }

    input.addEventListener("focus", function () { loadOptions(select); drawList(); open(true); });
    input.addEventListener("input", function () { active = 0; drawList(); open(true); });
    input.addEventListener("blur", function () { open(false); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        open(true);
        if (!shown.length) { drawList(); }
        if (!shown.length) { return; }
        var step = event.key === "ArrowDown" ? 1 : -1;
        active = (active + step + shown.length) % shown.length;
        drawList();
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0 && shown[active]) {
          event.preventDefault();
          choose(shown[active]);
        } else if (!list.hidden && shown.length === 1 && input.value.trim()) {
          event.preventDefault();
          choose(shown[0]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); open(false); }
      } else if (event.key === "Backspace" && !input.value && select.selectedOptions.length) {
        var last = select.selectedOptions[select.selectedOptions.length - 1];
        last.selected = false;
        status.textContent = (select.dataset.removeLabel || "") + " " + name(last);
        drawChips();
        drawList();
      }
    });
    select.addEventListener("mofan:options", function () {
      drawChips();
      if (!list.hidden) { drawList(); }
    });
    drawChips();
  }

  function enhance(root) {
    root.querySelectorAll("select[data-multipicker]").forEach(makeMultiPicker);
    root.querySelectorAll("select[data-filterable]").forEach(makeFilterable);
    root.querySelectorAll("select[data-options-url]").forEach(loadOptions);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
