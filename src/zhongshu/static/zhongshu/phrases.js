/* 常用意见 (workflow/_phrases.html): insert the chosen phrase into its opinion box at the
   cursor, then put the cursor back in the box. Hidden without this script. */
(function () {
  "use strict";
  if (window.zhongshuPhrases) { return; }
  window.zhongshuPhrases = true;

  function enhance(scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll("[data-phrases][hidden]"), function (box) {
      if (document.getElementById(box.getAttribute("data-target"))) { box.hidden = false; }
    });
  }

  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-phrase-insert]");
    if (!btn) { return; }
    var box = btn.closest("[data-phrases]");
    var area = document.getElementById(box.getAttribute("data-target"));
    var select = box.querySelector("[data-phrase-select]");
    var text = select.value;
    if (!area || !text) { select.focus(); return; }
    var start = area.selectionStart, end = area.selectionEnd;
    if (typeof start !== "number") { start = end = area.value.length; }
    area.setRangeText(text, start, end, "end");
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.focus();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(); });
  } else { enhance(); }
  document.addEventListener("htmx:load", function (e) { enhance(e.target); });
})();
