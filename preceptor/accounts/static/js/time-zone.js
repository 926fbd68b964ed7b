// The member's time zone from the browser (Intl), for fields marked data-detect-time-zone: a hidden field at
// sign-up is filled in; a time-zone select (account settings) gets a button offering the browser's zone when it
// differs. The server checks the name against its own list of zones.
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
  if (!zone) return;
  document.querySelectorAll("input[data-detect-time-zone]").forEach(function (input) {
    if (!input.value) input.value = zone;
  });
  document.querySelectorAll("select[data-detect-time-zone]").forEach(function (select) {
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
    if (!known || select.value === zone) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-small btn-secondary time-zone-suggestion";
    button.textContent = (select.dataset.detectLabel || "Use %s").replace("%s", zone.replace(/_/g, " "));
    button.addEventListener("click", function () {
      select.value = zone;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      button.remove();
    });
    select.insertAdjacentElement("afterend", button);
  });
})();
