/* Communes chosen as removable chips with the public site's typo-tolerant suggestions (ARIA 1.2 combobox).
   Enhances a <select multiple data-commune-picker data-suggest-url="…">: the select stays in the form (hidden)
   and holds the choice, so the POST is the same with or without JavaScript; a plain click can no longer
   wipe the other communes. */
(function () {
  "use strict";
  var counter = 0;

  function setup(select) {
    counter += 1;
    var id = "commune-picker-" + counter;
    var url = select.dataset.suggestUrl;
    var wrapper = document.createElement("div");
    wrapper.className = "commune-picker";
    var chips = document.createElement("ul");
    chips.className = "commune-chips";
    chips.setAttribute("aria-label", "Communes choisies");
    var input = document.createElement("input");
    input.type = "text";
    input.id = id + "-input";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "-list");
    input.placeholder = "Tapez un nom ou un code postal…";
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) label.setAttribute("for", input.id);
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.setAttribute("role", "listbox");
    list.className = "commune-suggestions";
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    wrapper.append(chips, input, list, status);
    select.after(wrapper);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;

    var results = [], active = -1, timer = null;

    function option(code) {
      return select.querySelector('option[value="' + CSS.escape(code) + '"]');
    }
    function drawChips() {
      chips.innerHTML = "";
      Array.prototype.forEach.call(select.selectedOptions, function (o) {
        var li = document.createElement("li");
        li.className = "commune-chip";
        li.textContent = o.textContent + " ";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button-small button-secondary";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Retirer " + o.textContent);
        remove.addEventListener("click", function () {
          o.selected = false;
          drawChips();
          status.textContent = o.textContent + " retirée.";
          input.focus();
        });
        li.append(remove);
        chips.append(li);
      });
    }
    function close() {
      window.osezCombobox.close(input, list);
      active = -1;
    }
    function highlight(index) {
      window.osezCombobox.highlight(input, list, index);
      active = index;
    }
    function choose(result) {
      var o = option(result.code);
      if (!o) {
        status.textContent = result.name + " n’est pas proposée ici.";
        return;
      }
      o.selected = true;
      drawChips();
      status.textContent = result.name + " ajoutée.";
      input.value = "";
      close();
    }
    function render() {
      list.innerHTML = "";
      results.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = id + "-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = r.label;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(r); });
        list.append(li);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      status.textContent = results.length ? results.length + " suggestion(s)." : "Aucune commune trouvée.";
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { if (input.value.trim() === q) { results = data.results || []; render(); } })
          .catch(function () { status.textContent = "Suggestions indisponibles."; });
      }, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && results.length) { e.preventDefault(); highlight(Math.min(active + 1, results.length - 1)); }
      else if (e.key === "ArrowUp" && results.length) { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && !list.hidden) { e.preventDefault(); if (results[Math.max(active, 0)]) choose(results[Math.max(active, 0)]); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    drawChips();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-commune-picker]").forEach(setup);
  });
})();
