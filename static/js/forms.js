/* After a refused submission, move focus to the error summary so screen-reader users hear what to fix. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
