/* Suggestions while typing a commune name or postcode (ARIA 1.2 combobox with a listbox). Without
   JavaScript the field is a plain GET form to the directory, which searches the same way. */
(function () {
  "use strict";

  function setup(input) {
    var url = input.dataset.suggestUrl;
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = document.getElementById(input.dataset.suggestStatus);
    var timer = null, active = -1, items = [], lastQuery = "";

    function close() {
      window.osezCombobox.close(input, list);
      active = -1;
      items = [];
    }

    function highlight(index) {
      window.osezCombobox.highlight(input, list, index);
      active = index;
    }

    function render(results) {
      list.innerHTML = "";
      items = results;
      results.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = r.label;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(r); });
        list.appendChild(li);
      });
      var open = results.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (status) {
        // Translated sentences come from the template (data-label-*); "{n}" stands for the count.
        var text = !open ? input.dataset.labelNone : results.length > 1 ? input.dataset.labelMany : input.dataset.labelOne;
        status.textContent = (text || "").replace("{n}", String(results.length));
      }
    }

    // A search box opens the commune's page; a form field (data-suggest-fill) takes "Name (code INSEE)",
    // which the server reads without doubt.
    function choose(r) {
      if (input.dataset.suggestFill) {
        input.value = r.name + " (" + r.code + ")";
        lastQuery = input.value.trim();
        close();
      } else {
        window.location.href = r.url;
      }
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      if (q.length < 2) { close(); return; }
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) { if (data.query.trim() === input.value.trim()) render(data.results); })
        .catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % items.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active]); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function init() { document.querySelectorAll("input[data-suggest-url]").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
