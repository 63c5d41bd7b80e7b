/* After a refused submission, move focus to the error summary so screen-reader users hear what to fix. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();

/* A form whose button says data-once is sent once: a double click does not send it twice (the server also
   recognises the same form posted again by its hidden submission key). */
(function () {
  "use strict";
  document.querySelectorAll("button[data-once]").forEach(function (button) {
    button.form.addEventListener("submit", function () {
      setTimeout(function () { button.disabled = true; button.setAttribute("aria-disabled", "true"); }, 0);
    });
  });
})();
