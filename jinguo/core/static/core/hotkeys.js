/* Single-key shortcuts: an element with data-hotkey="n" is followed when N is pressed outside
   a text field (the 工作台's 登记来电 card, for example). */
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  var target = event.target;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  var link = document.querySelector('[data-hotkey="' + (event.key || "").toLowerCase() + '"]');
  if (!link) return;
  event.preventDefault();
  link.click();
});
