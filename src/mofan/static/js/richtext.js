// Mofan rich text: turns textarea[data-richtext] into a formatting editor. The textarea stays in
// the form and holds the HTML (kept in step on every change and on submit); without this script
// it is a plain textarea of HTML. The server sanitises whatever arrives (core.richtext.clean), so
// the cleaning here only keeps pasted Word and web pages tidy; it is not the security boundary.
(function () {
  "use strict";

  var IMAGE_PREFIX = "/portal/images/";
  var TEXT_TAGS = ["p", "br", "strong", "em", "u", "h3", "h4", "ol", "ul", "li", "blockquote",
    "table", "thead", "tbody", "tr", "td", "th"];
  var PROFILES = {
    text: TEXT_TAGS,
    article: TEXT_TAGS.concat(["h2", "figure", "figcaption", "img"])
  };
  // Renamed on the way in: the browser's own bold and italic, headings of other sizes, divs.
  var RENAME = { b: "strong", i: "em", h1: "h3", h2: "h3", h5: "h4", h6: "h4", div: "p",
    section: "p", article: "p", header: "p", footer: "p", pre: "p", address: "p",
    dir: "ul", caption: "p" };
  // Removed with everything inside them.
  var DROP = ["script", "style", "template", "noscript", "iframe", "object", "embed", "svg",
    "math", "head", "title", "meta", "link", "base", "xml", "button", "select", "textarea",
    "input", "form", "audio", "video", "canvas", "frame", "frameset", "map"];
  var BLOCKS = ["p", "h2", "h3", "h4", "ol", "ul", "blockquote", "table", "figure"];
  var INLINE_PARENTS = ["p", "h2", "h3", "h4", "li", "td", "th", "figcaption", "strong", "em",
    "u", "blockquote"];

  function allowedSrc(src) {
    return src.indexOf(IMAGE_PREFIX) === 0 && src.indexOf("..") === -1 &&
      src.indexOf("//") === -1;
  }

  // --- cleaning: a DOM tree in, a tidy fragment of the profile's tags out -------------------

  function targetName(element, profile) {
    var name = element.nodeName.toLowerCase();
    if (name.indexOf(":") !== -1) { return "#drop"; } // Word's o:p, v:shape, w:sdt …
    if (DROP.indexOf(name) !== -1) { return "#drop"; }
    if (profile === "article" && name === "h2") { return "h2"; }
    if (profile === "article" && name === "h1") { return "h2"; }
    if (RENAME[name]) { name = RENAME[name]; }
    if (name === "span" || name === "font") {
      // Word and browsers write bold and italic as styles on spans.
      var style = (element.getAttribute("style") || "").toLowerCase().replace(/\s+/g, "");
      if (/font-weight:(bold|[6-9]00)/.test(style)) { return "strong"; }
      if (/font-style:italic/.test(style)) { return "em"; }
      if (/text-decoration:underline/.test(style)) { return "u"; }
    }
    return PROFILES[profile].indexOf(name) !== -1 ? name : "#unwrap";
  }

  function hasBlockChild(element) {
    for (var child = element.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 1) {
        var name = child.nodeName.toLowerCase();
        if (["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote",
          "figure", "section", "article", "li"].indexOf(name) !== -1) { return true; }
      }
    }
    return false;
  }

  function copyChildren(source, target, profile, doc) {
    for (var child = source.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) {
        target.appendChild(doc.createTextNode(child.nodeValue.replace(/\u00a0/g, " ")));
      } else if (child.nodeType === 1) {
        copyElement(child, target, profile, doc);
      } // comments and processing instructions are left behind
    }
  }

  function copyElement(element, target, profile, doc) {
    var name = targetName(element, profile);
    if (name === "#drop") { return; }
    if (name === "p" && hasBlockChild(element)) { name = "#unwrap"; }
    if (name === "#unwrap") { copyChildren(element, target, profile, doc); return; }
    if (name === "img") {
      var src = element.getAttribute("src") || "";
      if (!allowedSrc(src)) { return; }
      var img = doc.createElement("img");
      img.setAttribute("src", src);
      if (element.getAttribute("alt")) { img.setAttribute("alt", element.getAttribute("alt")); }
      target.appendChild(img);
      return;
    }
    var copy = doc.createElement(name); // no attribute is ever copied
    copyChildren(element, copy, profile, doc);
    // A paragraph or heading inside a paragraph (Word nests them) becomes a sibling.
    if (INLINE_PARENTS.indexOf(target.nodeName.toLowerCase()) !== -1 &&
        BLOCKS.indexOf(name) !== -1 && ["li", "td", "th", "blockquote"].indexOf(
          target.nodeName.toLowerCase()) === -1) {
      while (copy.firstChild) { target.appendChild(copy.firstChild); }
      return;
    }
    target.appendChild(copy);
  }

  function isEmptyBlock(element) {
    if (element.querySelector && element.querySelector("img")) { return false; }
    return !element.textContent.replace(/[\s\u00a0\u200b]/g, "");
  }

  // Loose text at the top level goes into paragraphs; empty blocks and trailing breaks go.
  function tidy(root, doc) {
    var paragraph = null;
    var child = root.firstChild;
    while (child) {
      var next = child.nextSibling;
      var name = child.nodeType === 1 ? child.nodeName.toLowerCase() : "#text";
      if (BLOCKS.indexOf(name) === -1 && name !== "img") {
        if (name === "br") {
          paragraph = null;
          root.removeChild(child);
        } else if (name === "#text" && !child.nodeValue.trim() && !paragraph) {
          root.removeChild(child);
        } else {
          if (!paragraph) {
            paragraph = doc.createElement("p");
            root.insertBefore(paragraph, child);
          }
          paragraph.appendChild(child);
        }
      } else {
        paragraph = null;
      }
      child = next;
    }
    root.querySelectorAll("p, h2, h3, h4, li, td, th, figcaption, blockquote").forEach(
      function (block) {
        while (block.lastChild && block.lastChild.nodeName === "BR") {
          block.removeChild(block.lastChild);
        }
      });
    root.querySelectorAll("p, h2, h3, h4, blockquote, figcaption, strong, em, u").forEach(
      function (block) { if (isEmptyBlock(block) && block.parentNode) { block.remove(); } });
    root.querySelectorAll("ul, ol").forEach(function (list) {
      if (!list.querySelector("li") || isEmptyBlock(list)) { list.remove(); }
    });
    return root;
  }

  function cleanNode(source, profile) {
    var doc = document.implementation.createHTMLDocument("");
    var root = doc.createElement("div");
    copyChildren(source, root, profile, doc);
    return tidy(root, doc);
  }

  // Parsed in an inert document: nothing in the pasted HTML runs or loads.
  function cleanHtml(html, profile) {
    var parsed = new DOMParser().parseFromString(html, "text/html");
    return cleanNode(parsed.body, profile).innerHTML;
  }

  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function textToHtml(text) {
    return text.split(/\r?\n\s*\r?\n|\r?\n/).filter(function (line) { return line.trim(); })
      .map(function (line) { return "<p>" + escapeText(line.trim()) + "</p>"; }).join("");
  }

  function countChars(text) {
    return text.replace(/[\s\u00a0\u200b]/g, "").length;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }

  // --- the editor ---------------------------------------------------------------------------

  var BUTTONS = [
    { key: "bold", icon: "bi-type-bold", command: "bold", state: "bold" },
    { key: "italic", icon: "bi-type-italic", command: "italic", state: "italic" },
    { key: "underline", icon: "bi-type-underline", command: "underline", state: "underline" },
    { key: "heading", icon: "bi-type-h3", block: "h3" },
    { key: "ol", icon: "bi-list-ol", command: "insertOrderedList",
      state: "insertOrderedList" },
    { key: "ul", icon: "bi-list-ul", command: "insertUnorderedList",
      state: "insertUnorderedList" },
    { key: "quote", icon: "bi-quote", block: "blockquote" },
    { key: "undo", icon: "bi-arrow-counterclockwise", command: "undo" },
    { key: "redo", icon: "bi-arrow-clockwise", command: "redo" },
    { key: "clear", icon: "bi-eraser", clear: true }
  ];

  function closestBlock(editor, name) {
    var selection = window.getSelection();
    if (!selection.rangeCount) { return null; }
    var node = selection.getRangeAt(0).startContainer;
    while (node && node !== editor) {
      if (node.nodeType === 1 && node.nodeName.toLowerCase() === name) { return node; }
      node = node.parentNode;
    }
    return null;
  }

  function selectionInside(editor) {
    var selection = window.getSelection();
    return selection.rangeCount > 0 && editor.contains(selection.getRangeAt(0).startContainer);
  }

  function upgrade(textarea) {
    if (textarea.dataset.richtextReady) { return; }
    textarea.dataset.richtextReady = "1";
    var profile = PROFILES[textarea.dataset.richtext] ? textarea.dataset.richtext : "text";
    var labels = {};
    try { labels = JSON.parse(textarea.dataset.richtextLabels || "{}"); } catch (e) { labels = {}; }
    var label = function (key) { return labels[key] || key; };

    var wrapper = document.createElement("div");
    wrapper.className = "rt";
    var toolbar = document.createElement("div");
    toolbar.className = "rt-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", label("toolbar"));
    var editor = document.createElement("div");
    editor.className = "rt-area form-control";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.style.minHeight = Math.max(4, Number(textarea.getAttribute("rows")) || 6) * 1.6 + "em";
    if (textarea.classList.contains("is-invalid")) { editor.classList.add("is-invalid"); }

    // The field's label now names the editor; the hidden textarea is only the form's value.
    var fieldLabel = textarea.id && document.querySelector("label[for='" + textarea.id + "']");
    if (fieldLabel) {
      if (!fieldLabel.id) { fieldLabel.id = textarea.id + "-label"; }
      fieldLabel.removeAttribute("for");
      editor.setAttribute("aria-labelledby", fieldLabel.id);
      fieldLabel.addEventListener("click", function () { editor.focus(); });
    }
    if (textarea.getAttribute("aria-describedby")) {
      editor.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
    }

    var buttons = [];
    BUTTONS.forEach(function (spec) { buttons.push(makeButton(spec)); });

    function makeButton(spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "rt-button";
      button.setAttribute("aria-label", label(spec.key));
      button.title = label(spec.key);
      button.dataset.command = spec.key;
      var icon = document.createElement("i");
      icon.className = "bi " + spec.icon;
      icon.setAttribute("aria-hidden", "true");
      button.appendChild(icon);
      if (spec.state || spec.block) { button.setAttribute("aria-pressed", "false"); }
      // Keep the selection in the editor when the button is pressed.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () { run(spec); });
      toolbar.appendChild(button);
      button.spec = spec;
      return button;
    }

    var picker = null;
    var pictures = profile === "article" ?
      Array.prototype.slice.call(document.querySelectorAll("[data-richtext-image]")) : [];
    if (pictures.length) {
      var imageButton = makeButton({ key: "image", icon: "bi-image" });
      imageButton.setAttribute("aria-expanded", "false");
      picker = document.createElement("div");
      picker.className = "rt-picker";
      picker.hidden = true;
      picker.setAttribute("role", "group");
      picker.setAttribute("aria-label", label("images"));
      pictures.forEach(function (source) {
        var choice = document.createElement("button");
        choice.type = "button";
        choice.className = "rt-choice";
        var src = source.dataset.richtextImage;
        var caption = source.dataset.richtextCaption || "";
        var thumb = document.createElement("img");
        thumb.src = src;
        thumb.alt = "";
        var name = document.createElement("span");
        name.textContent = caption;
        choice.appendChild(thumb);
        choice.appendChild(name);
        choice.addEventListener("mousedown", function (event) { event.preventDefault(); });
        choice.addEventListener("click", function () {
          restoreSelection();
          insertFigure(src, caption);
          togglePicker(false);
          changed();
        });
        picker.appendChild(choice);
      });
      var close = document.createElement("button");
      close.type = "button";
      close.className = "btn btn-link btn-sm";
      close.textContent = label("close");
      close.addEventListener("click", function () { togglePicker(false); editor.focus(); });
      picker.appendChild(close);
    }

    // A picture goes after the paragraph the caret is in (a figure cannot sit inside one),
    // followed by an empty paragraph to go on writing in.
    function insertFigure(src, caption) {
      var block = null;
      var selection = window.getSelection();
      if (selection.rangeCount && editor.contains(selection.getRangeAt(0).startContainer)) {
        block = selection.getRangeAt(0).startContainer;
        while (block && block.parentNode !== editor) { block = block.parentNode; }
      }
      var figure = document.createElement("figure");
      var img = document.createElement("img");
      img.src = src;
      img.alt = caption;
      figure.appendChild(img);
      if (caption) {
        var figcaption = document.createElement("figcaption");
        figcaption.textContent = caption;
        figure.appendChild(figcaption);
      }
      var after = document.createElement("p");
      after.appendChild(document.createElement("br"));
      editor.insertBefore(figure, block ? block.nextSibling : null);
      editor.insertBefore(after, figure.nextSibling);
      var range = document.createRange();
      range.setStart(after, 0);
      range.collapse(true);
      selection.removeAllRanges();
      selection.addRange(range);
    }

    var savedRange = null;
    function saveSelection() {
      if (selectionInside(editor)) { savedRange = window.getSelection().getRangeAt(0).cloneRange(); }
    }
    function restoreSelection() {
      editor.focus();
      if (savedRange) {
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(savedRange);
      }
    }
    function togglePicker(open) {
      if (!picker) { return; }
      picker.hidden = !open;
      toolbar.querySelector("[data-command=image]").setAttribute("aria-expanded", String(open));
    }

    function run(spec) {
      if (spec.key === "image") {
        saveSelection();
        togglePicker(picker.hidden);
        return;
      }
      if (!selectionInside(editor)) { restoreSelection(); }
      if (spec.block) {
        var inside = closestBlock(editor, spec.block);
        document.execCommand("formatBlock", false, inside ? "p" : spec.block);
      } else if (spec.clear) {
        document.execCommand("removeFormat", false, null);
        ["h3", "h4", "h2", "blockquote"].forEach(function (name) {
          if (closestBlock(editor, name)) { document.execCommand("formatBlock", false, "p"); }
        });
        ["insertOrderedList", "insertUnorderedList"].forEach(function (command) {
          if (document.queryCommandState(command)) { document.execCommand(command, false, null); }
        });
      } else {
        document.execCommand(spec.command, false, null);
      }
      changed();
    }

    function refreshState() {
      if (!selectionInside(editor)) { return; }
      saveSelection();
      buttons.forEach(function (button) {
        var spec = button.spec;
        var on = null;
        if (spec.state) { on = document.queryCommandState(spec.state); }
        if (spec.block) { on = Boolean(closestBlock(editor, spec.block)); }
        if (on !== null) { button.setAttribute("aria-pressed", on ? "true" : "false"); }
      });
    }

    var counter = null;
    if (textarea.dataset.count === "chars") {
      counter = document.createElement("div");
      counter.className = "form-text rt-count";
      counter.setAttribute("aria-live", "polite");
      counter.setAttribute("data-testid", "char-count");
    }

    function sync() {
      textarea.value = cleanNode(editor, profile).innerHTML;
    }

    function changed() {
      sync();
      refreshState();
      if (counter) { updateCounts(textarea.form || document); }
    }

    function showCount() {
      if (!counter) { return; }
      var n = countChars(editor.textContent);
      var max = Number(textarea.dataset.countMax) || 0;
      var text = format(label("count"), { n: n });
      if (max && textarea.form) {
        var total = 0;
        textarea.form.querySelectorAll("textarea[data-count=chars]").forEach(function (other) {
          total += other.richEditor ? countChars(other.richEditor.textContent) :
            countChars(other.value.replace(/<[^>]*>/g, ""));
        });
        text += " · " + format(label("total"), { n: total, max: max });
        counter.classList.toggle("text-danger", total > max);
      }
      counter.textContent = text;
    }
    textarea.showCount = showCount;
    textarea.richEditor = editor;

    // Load what the field holds, formatted; plain text from before the editor becomes paragraphs.
    var initial = textarea.value;
    editor.innerHTML = /<[a-z][\s\S]*>/i.test(initial) ? cleanHtml(initial, profile) :
      textToHtml(initial);
    if (!editor.innerHTML) { editor.innerHTML = "<p><br></p>"; }

    editor.addEventListener("input", changed);
    editor.addEventListener("keyup", refreshState);
    editor.addEventListener("mouseup", refreshState);
    editor.addEventListener("focus", function () {
      document.execCommand("defaultParagraphSeparator", false, "p");
      document.execCommand("styleWithCSS", false, false);
    });
    document.addEventListener("selectionchange", function () {
      if (selectionInside(editor)) { refreshState(); }
    });
    editor.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) { return; }
      var key = event.key.toLowerCase();
      var command = { b: "bold", i: "italic", u: "underline" }[key];
      if (command && !event.shiftKey) {
        event.preventDefault();
        document.execCommand(command, false, null);
        changed();
      }
    });
    editor.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data) { return; }
      var html = data.getData("text/html");
      var text = data.getData("text/plain");
      var clean = html ? cleanHtml(html, profile) : textToHtml(text || "");
      event.preventDefault();
      if (clean) { document.execCommand("insertHTML", false, clean); }
      changed();
    });
    editor.addEventListener("drop", function (event) {
      // Dropped files and foreign markup are not taken; dropped text is pasted as text.
      event.preventDefault();
      var text = event.dataTransfer && event.dataTransfer.getData("text/plain");
      if (text) { document.execCommand("insertHTML", false, textToHtml(text)); changed(); }
    });
    if (textarea.form) { textarea.form.addEventListener("submit", sync); }

    wrapper.appendChild(toolbar);
    if (picker) { wrapper.appendChild(picker); }
    wrapper.appendChild(editor);
    if (counter) { wrapper.appendChild(counter); }
    textarea.parentNode.insertBefore(wrapper, textarea);
    textarea.hidden = true;
    textarea.setAttribute("aria-hidden", "true");
    textarea.tabIndex = -1;
    sync();
  }

  function updateCounts(root) {
    root.querySelectorAll("textarea[data-count=chars]").forEach(function (textarea) {
      if (textarea.showCount) { textarea.showCount(); }
    });
  }

  function enhance(root) {
    root.querySelectorAll("textarea[data-richtext]").forEach(upgrade);
    updateCounts(root);
  }

  window.mofanRichText = { clean: cleanHtml };
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
