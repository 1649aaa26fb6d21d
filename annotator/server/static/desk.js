/* annotator review desk: keys, and turning a text selection into reading-text offsets.
 *
 * Keys: an element with data-key="a" is clicked (a button) or focused (a field) when "a" is
 * pressed, looking first in an open chooser, then in the selection bar, then in the page; in a
 * reading view j / k open the next / previous mention, and v selects words by keyboard (below).
 * Offsets: every paragraph of a reading view carries data-o, the reading offset of its first
 * character, and holds the reading text exactly (page numbers are CSS content, not text), so a
 * point's offset is data-o plus the code points before it in its paragraph.
 */
(function () {
  "use strict";

  function codePoints(s) { return Array.from(s).length; }

  /* Reading offset (code points) of a DOM point inside a paragraph with data-o, or null. */
  function pointOffset(node, off) {
    var el = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    var p = el && el.closest("p[data-o]");
    if (!p) return null;
    var r = document.createRange();
    r.setStart(p, 0);
    r.setEnd(node, off);
    return Number(p.dataset.o) + codePoints(r.toString());
  }

  /* {start, end, text, container} of the current selection inside a [data-select] area. */
  function selectedSpan() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0);
    var area = range.commonAncestorContainer;
    area = (area.nodeType === Node.TEXT_NODE ? area.parentElement : area).closest("[data-select]");
    if (!area) return null;
    var start = pointOffset(range.startContainer, range.startOffset);
    var end = pointOffset(range.endContainer, range.endOffset);
    if (start === null || end === null) return null;
    var text = range.toString();
    var lead = codePoints(text) - codePoints(text.replace(/^\s+/, ""));
    var trail = codePoints(text) - codePoints(text.replace(/\s+$/, ""));
    start += lead; end -= trail;
    if (end <= start) return null;
    return { start: start, end: end, text: text.trim(), area: area };
  }

  /* Selecting text fills the form named by the area's data-select (hidden start/end). */
  function onSelection() {
    document.querySelectorAll("[data-select]").forEach(function (area) {
      var form = document.getElementById(area.dataset.select);
      if (!form) return;
      var span = selectedSpan();
      var bar = form.closest("[data-selbar]");
      if (!span || span.area !== area) {
        if (bar && !form.contains(document.activeElement)) bar.hidden = true;
        return;
      }
      form.elements.start.value = span.start;
      form.elements.end.value = span.end;
      var shown = form.querySelector(".sel-text");
      if (shown) shown.textContent = "\u201c" + span.text + "\u201d";
      if (bar) bar.hidden = false;
    });
    /* A form that acts on the selection (adjust a mention's span) shows while there is one. */
    document.querySelectorAll("form[data-takes-selection]").forEach(function (form) {
      var span = selectedSpan();
      if (!span) {
        if (!form.contains(document.activeElement)) form.hidden = true;
        return;
      }
      form.elements.start.value = span.start;
      form.elements.end.value = span.end;
      var shown = form.querySelector(".sel-text");
      if (shown) shown.textContent = "\u201c" + span.text + "\u201d";
      form.hidden = false;
    });
  }
  document.addEventListener("selectionchange", function () {
    clearTimeout(onSelection.timer);
    onSelection.timer = setTimeout(onSelection, 60);
  });

  /* The forms as the selection on screen is now: a key acts on it, not on the one the last
   * (debounced) run saw, which a drag followed at once by p would mark instead. */
  function selectionNow() {
    clearTimeout(onSelection.timer);
    onSelection();
  }

  /* The mention whose panel is open (its data-m): marked, and where j / k go on from. */
  var current = null;

  function markFocus() {
    document.querySelectorAll("mark.focus").forEach(function (m) { m.classList.remove("focus"); });
    if (current === null) return;
    document.querySelectorAll('#text mark[data-m="' + CSS.escape(current) + '"]').forEach(function (m) { m.classList.add("focus"); });
  }

  /* A mention's panel opens in the side bar; the mark is outlined and scrolled into view. */
  function openMark(mark) {
    var text = mark.closest("[data-source]");
    if (!text || !window.htmx || !document.getElementById("panel")) return;
    current = mark.dataset.m;
    markFocus();
    mark.scrollIntoView({ block: "nearest" });
    htmx.ajax("GET", "/s/" + encodeURIComponent(text.dataset.source) + "/mention/" + encodeURIComponent(mark.dataset.m), { target: "#panel" });
  }

  function openClaim(span) {
    if (!window.htmx || !document.getElementById("panel")) return;
    span.scrollIntoView({ block: "center" });
    htmx.ajax("GET", "/claim/" + encodeURIComponent(span.dataset.c) + "/panel", { target: "#panel" });
  }

  /* j / k: the next / previous mention after the one open (a mention split over paragraphs
   * counts once). */
  function stepMark(by) {
    var marks = Array.prototype.slice.call(document.querySelectorAll("#text mark[data-m]"));
    var firsts = marks.filter(function (m, i) { return i === 0 || marks[i - 1].dataset.m !== m.dataset.m; });
    if (!firsts.length) return false;
    var at = -1;
    firsts.forEach(function (m, i) { if (m.dataset.m === current) at = i; });
    var next = at < 0 ? (by > 0 ? 0 : firsts.length - 1) : at + by;
    if (next < 0 || next >= firsts.length) return true;
    openMark(firsts[next]);
    return true;
  }

  /* A link to a place in a source (from the queue, the claims): #m<mention id>, #c<claim id>
   * or #o<reading offset> scrolls to it, and a mention's or claim's panel opens. */
  function goToHash() {
    var text = document.getElementById("text");
    var m = /^#([mco])(\d+)$/.exec(location.hash);
    if (!text || !m) return;
    var el = null;
    if (m[1] === "m") el = text.querySelector('mark[data-m="' + m[2] + '"]');
    else if (m[1] === "c") el = text.querySelector('span[data-c="' + m[2] + '"]');
    else {
      text.querySelectorAll("p[data-o]").forEach(function (p) { if (Number(p.dataset.o) <= Number(m[2])) el = p; });
    }
    if (!el) return;
    if (m[1] === "m") openMark(el);
    else if (m[1] === "c") openClaim(el);
    else el.scrollIntoView({ block: "center" });
  }
  document.addEventListener("DOMContentLoaded", goToHash);
  window.addEventListener("hashchange", goToHash);

  /* Clicking a mark opens its panel (mention or claim) in the side bar. */
  document.addEventListener("click", function (e) {
    if (!window.getSelection().isCollapsed) return;
    var mark = e.target.closest("[data-select] mark[data-m]");
    var claim = e.target.closest("[data-select] span[data-c]");
    if (mark) openMark(mark);
    else if (claim) openClaim(claim);
  });

  /* -- selecting by keyboard ---------------------------------------------------------------
   * v makes a real DOM selection of one word (at the open mention, else the text's first), so
   * the selection bar, its keys and its route are the mouse's. A word is a run of letters,
   * digits and marks, as the server's whole-word rule (text._in_word) counts one. The arrows
   * move the selection a word (a paragraph with up / down), Shift+arrows move only its end;
   * it never goes past the text. Each step is said in #flash (aria-live). */
  var kbd = null;     /* {anchor, head}: word indexes while selecting by keyboard */
  var words = null;   /* [{p, a, b}]: each word's paragraph and code-unit range in it */

  function textWords() {
    if (words) return words;
    words = [];
    document.querySelectorAll("#text p[data-o]").forEach(function (p) {
      var s = p.textContent, re = /[\p{L}\p{N}\p{M}]+/gu, m;
      while ((m = re.exec(s)) !== null) words.push({ p: p, a: m.index, b: m.index + m[0].length });
    });
    return words;
  }

  /* The DOM point at code unit `at` of paragraph p's text; a start keeps to the next node. */
  function domPoint(p, at, isEnd) {
    var walk = document.createTreeWalker(p, NodeFilter.SHOW_TEXT), node;
    while ((node = walk.nextNode()) !== null) {
      if (at < node.length || (isEnd && at === node.length)) return [node, at];
      at -= node.length;
    }
    return [p, p.childNodes.length];
  }

  /* `text` in the flash line (aria-live), as a message of `kind` (note, ok). */
  function say(text, kind) {
    var flash = document.getElementById("flash");
    if (!flash) return;
    var msg = document.createElement("div");
    msg.className = "message " + (kind || "note");
    msg.textContent = text;
    flash.replaceChildren(msg);
  }

  /* Where v starts: the first word of the open mention, else the text's first word. */
  function startWord(list) {
    var mark = current === null ? null :
      document.querySelector('#text mark[data-m="' + CSS.escape(current) + '"]');
    var p = mark && mark.closest("p[data-o]");
    if (!p) return 0;
    var r = document.createRange();
    r.setStart(p, 0);
    r.setEnd(mark, 0);
    var at = r.toString().length;
    for (var i = 0; i < list.length; i++) if (list[i].p === p && list[i].b > at) return i;
    return 0;
  }

  function showWords(edge) {
    var list = textWords();
    var i = Math.min(kbd.anchor, kbd.head), j = Math.max(kbd.anchor, kbd.head);
    var s = domPoint(list[i].p, list[i].a, false), e = domPoint(list[j].p, list[j].b, true);
    window.getSelection().setBaseAndExtent(s[0], s[1], e[0], e[1]);
    selectionNow();  /* the bar and its form now, not after the debounce: a key may follow */
    var head = domPoint(list[kbd.head].p, list[kbd.head].a, false)[0];
    (head.nodeType === Node.TEXT_NODE ? head.parentElement : head).scrollIntoView({ block: "nearest" });
    var shown = window.getSelection().toString().replace(/\s+/g, " ").trim();
    if (shown.length > 80) shown = shown.slice(0, 38) + "\u2026" + shown.slice(-38);
    say("Selecting \u201c" + shown + "\u201d (" + (j - i + 1) + (j > i ? " words" : " word") + ")" +
        (edge ? ", " + edge : "") + ": p l o d mark it, c as a claim, arrows move, " +
        "Shift+arrows extend, Esc leaves.");
  }

  function startWords() {
    var list = textWords();
    if (!list.length) return false;
    var at = startWord(list);
    kbd = { anchor: at, head: at };
    document.getElementById("text").classList.add("kbd-select");
    showWords("");
    return true;
  }

  function leaveWords(said) {
    kbd = null;
    var text = document.getElementById("text");
    if (text) text.classList.remove("kbd-select");
    if (said) {
      window.getSelection().removeAllRanges();
      closeOpen();
      say("Selection left: nothing marked.");
    }
  }

  /* The word `by` words (or, by block, the first word of the next / previous paragraph) from
   * word i; -1 past either end of the text. */
  function wordFrom(i, by, byBlock) {
    var list = textWords();
    if (!byBlock) return i + by >= 0 && i + by < list.length ? i + by : -1;
    var p = list[i].p, j = i;
    if (by > 0) {
      while (j < list.length && list[j].p === p) j++;
      return j < list.length ? j : -1;
    }
    while (j >= 0 && list[j].p === p) j--;
    if (j < 0) return -1;
    p = list[j].p;
    while (j > 0 && list[j - 1].p === p) j--;
    return j;
  }

  function moveWords(key, extend) {
    var by = key === "ArrowRight" || key === "ArrowDown" ? 1 : -1;
    var to = wordFrom(kbd.head, by, key === "ArrowDown" || key === "ArrowUp");
    if (to < 0) { showWords(by > 0 ? "the end of the text" : "the start of the text"); return; }
    kbd.head = to;
    if (!extend) kbd.anchor = to;
    showWords("");
  }

  var ARROWS = { ArrowRight: 1, ArrowLeft: 1, ArrowDown: 1, ArrowUp: 1 };

  /* A mouse selection takes over from the keyboard's. */
  document.addEventListener("mousedown", function (e) {
    if (kbd && e.target.closest && e.target.closest("#text")) leaveWords(false);
  });

  /* -- keys ------------------------------------------------------------------------------- */
  var pendingG = 0;

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function visible(el) { return el && !el.closest("[hidden]"); }

  function scopes() {
    var out = [];
    document.querySelectorAll(".chooser:not([hidden])").forEach(function (c) { out.push(c); });
    document.querySelectorAll("[data-selbar]:not([hidden])").forEach(function (c) { out.push(c); });
    out.push(document);
    return out;
  }

  /* A box of fields (data-reveals="id" on its opener) opens with its first field focused. */
  function reveal(id) {
    var box = document.getElementById(id);
    if (!box) return;
    box.hidden = false;
    var field = box.querySelector("select, input:not([type=hidden]), textarea");
    if (field) field.focus();
  }

  /* A claim's agent is asked for only for the kinds that have one. */
  function showAgent(select) {
    var box = select.closest("fieldset");
    var agent = box && box.querySelector("[data-agent]");
    if (agent) agent.hidden = !/^(attributed|quoted)$/.test(select.value);
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches("fieldset.reveal select[name=kind]")) showAgent(e.target);
    if (e.target.id === "claim-lines") {  /* claims underlined, or only marked in the margin */
      var text = document.getElementById("text");
      if (text) text.classList.toggle("quiet-claims", !e.target.checked);
    }
  });

  function closeOpen() {
    var closed = false;
    document.querySelectorAll("fieldset.reveal:not([hidden])").forEach(function (c) { c.hidden = true; closed = true; });
    document.querySelectorAll(".chooser:not([hidden])").forEach(function (c) { c.hidden = true; closed = true; });
    document.querySelectorAll("[data-selbar]:not([hidden])").forEach(function (c) { c.hidden = true; closed = true; });
    return closed;
  }

  document.addEventListener("keydown", function (e) {
    var help = document.getElementById("keys");
    var box = document.activeElement &&
      document.activeElement.closest("fieldset.reveal:not([hidden]), .chooser:not([hidden])");
    if (box && e.key === "Enter" && box.querySelector("[data-submit]")) {
      /* submit with the box's own button, not the form's first */
      e.preventDefault();
      var submit = box.querySelector("[data-submit]");
      if (submit) submit.click();
      return;
    }
    if (box && e.key === "Escape") {
      e.preventDefault();
      box.hidden = true;
      document.activeElement.blur();
      return;
    }
    if (kbd && !(help && help.open) && !typing(document.activeElement) &&
        !e.ctrlKey && !e.metaKey && !e.altKey) {
      if (e.key === "Escape") { e.preventDefault(); leaveWords(true); return; }
      if (ARROWS[e.key]) { e.preventDefault(); moveWords(e.key, e.shiftKey); return; }
    }
    if (e.key === "Escape") {
      if (help && help.open) { help.close(); return; }
      if (typing(document.activeElement)) { document.activeElement.blur(); return; }
      if (closeOpen()) e.preventDefault();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    if (typing(document.activeElement)) return;
    if (help && help.open) return;
    var key = e.key;
    if (key === "?") { if (help) help.showModal(); e.preventDefault(); return; }
    if (pendingG && Date.now() - pendingG < 1500) {
      pendingG = 0;
      var go = document.querySelector('[data-go="g ' + key + '"]');
      if (go) { e.preventDefault(); window.location.href = go.href; }
      return;
    }
    selectionNow();  /* the keys of the selection bar act on the words selected now, or on none */
    var list = scopes();
    for (var i = 0; i < list.length; i++) {
      var el = list[i].querySelector('[data-key="' + CSS.escape(key) + '"]');
      if (el && visible(el) && !el.disabled) {
        e.preventDefault();
        if (el.type === "checkbox") { el.click(); }
        else if (typing(el)) { el.focus(); if (el.select) el.select(); }
        else if (el.dataset.reveals) { reveal(el.dataset.reveals); }
        else if (el.dataset.opens) {
          var target = document.getElementById(el.dataset.opens);
          if (target) { closeOpen(); target.hidden = false; }
        } else { el.click(); }
        return;
      }
      if (list[i] !== document && list[i].classList.contains("chooser")) return;
    }
    if ((key === "j" || key === "k") && document.getElementById("text") &&
        document.getElementById("panel") && stepMark(key === "j" ? 1 : -1)) {
      e.preventDefault();
      return;
    }
    if (key === "v" && document.getElementById("text") && document.getElementById("selform") &&
        startWords()) {
      e.preventDefault();
      return;
    }
    if (key === "g") { pendingG = Date.now(); }
  });

  /* Clicking a button that opens a chooser (data-opens) without the keyboard. */
  document.addEventListener("click", function (e) {
    var opener = e.target.closest("[data-opens]");
    if (!opener) return;
    e.preventDefault();
    var target = document.getElementById(opener.dataset.opens);
    if (target) { closeOpen(); target.hidden = !target.hidden; }
  });

  document.addEventListener("click", function (e) {
    var opener = e.target.closest("[data-reveals]");
    if (opener) { e.preventDefault(); reveal(opener.dataset.reveals); }
  });

  /* What an act did (the server's HX-Trigger "annotator:done"): said in the flash line, so an
   * added mention that replaced a proposal says so, and an undo says what it took back; an
   * empty one clears the line where the page itself says it (the queue's card). Never an
   * earlier act's message or refusal left standing. */
  document.addEventListener("annotator:done", function (e) {
    var flash = document.getElementById("flash");
    if (!e.detail || typeof e.detail.value !== "string") return;
    if (e.detail.value) say(e.detail.value, "ok");
    else if (flash) flash.replaceChildren();
  });

  /* After a swap, the selection bar and focus marks are stale. */
  document.addEventListener("htmx:afterSwap", function () {
    var sel = window.getSelection();
    if (sel) sel.removeAllRanges();
    words = null;  /* the text may be redrawn: its paragraphs are new */
    if (kbd) leaveWords(false);
    markFocus();  /* the text redrawn: the open mention stays outlined */
    document.querySelectorAll("[data-selbar]").forEach(function (b) { b.hidden = true; });
    document.querySelectorAll("fieldset.reveal").forEach(function (b) { b.hidden = true; });
  });

  /* -- what changed since this page was last seen --------------------------------------------
   * Each page carries the id of the newest decision when it was drawn (and htmx answers carry it
   * in a header). On the next visit, the decisions made since (by the CLI, another tab...) are
   * listed above the page. */
  var SEEN = "annotator:seen:" + location.pathname + location.search;

  function remember(id) {
    try { if (id) sessionStorage.setItem(SEEN, id); } catch (err) { /* storage off: no list */ }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var now = document.body.dataset.decision;
    var before = null;
    try { before = sessionStorage.getItem(SEEN); } catch (err) { before = null; }
    if (before !== null && Number(before) < Number(now) && window.htmx) {
      htmx.ajax("GET", "/changes?since=" + encodeURIComponent(before), { target: "#changes" });
    }
    remember(now);
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    var xhr = e.detail && e.detail.xhr;
    var id = xhr && xhr.getResponseHeader("X-Annotator-Decision");
    if (id && e.detail.successful) remember(id);
  });

  window.annotatorDesk = { pointOffset: pointOffset, selectedSpan: selectedSpan };
})();
