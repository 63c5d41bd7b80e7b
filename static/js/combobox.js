/* What the two commune comboboxes share (suggest.js on the public site, staff/commune_picker.js on the
   staff pages): closing the listbox and marking the highlighted option, as ARIA 1.2 asks. Each script
   keeps its own state (the highlighted index, the results). */
(function () {
  "use strict";

  window.osezCombobox = {
    close: function (input, list) {
      list.hidden = true;
      list.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    },
    highlight: function (input, list, index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      if (index >= 0 && options[index]) input.setAttribute("aria-activedescendant", options[index].id);
      else input.removeAttribute("aria-activedescendant");
    }
  };
})();
