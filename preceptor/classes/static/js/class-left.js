// The page the meeting sends members to when they leave: post its form at once, so that the leaving time is
// recorded by a POST (the member's click does the same without JavaScript), never by the page's GET.
(function () {
  "use strict";
  var form = document.querySelector("form[data-submit-on-load]");
  if (form) form.submit();
})();
