/* "Ma sélection": communes kept in the browser's localStorage (no cookie, so cached pages stay shared by
   everyone), added from commune pages and finder results, compared from the link in every page's header.
   Without JavaScript the buttons stay hidden and the comparison form works on its own. */
(function () {
  "use strict";
  var KEY = "osez.selection";
  var MAX = 4; // what the comparison shows side by side

  function read() {
    try {
      var items = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items.filter(function (i) { return i && /^[0-9][0-9AB][0-9]{3}$/.test(i.code); }) : [];
    } catch (e) { return []; }
  }
  function write(items) {
    try { window.localStorage.setItem(KEY, JSON.stringify(items)); } catch (e) { /* private mode: nothing kept */ }
  }
  function has(items, code) { return items.some(function (i) { return i.code === code; }); }

  function announce(text) {
    var status = document.getElementById("shortlist-status");
    if (status) status.textContent = text;
  }

  function render() {
    var items = read();
    var link = document.getElementById("shortlist-link");
    if (link) {
      link.hidden = items.length === 0;
      link.href = link.dataset.compareUrl + "?communes=" + items.map(function (i) { return encodeURIComponent(i.code); }).join(",");
      var count = link.querySelector("[data-shortlist-count]");
      if (count) count.textContent = String(items.length);
    }
    document.querySelectorAll("[data-shortlist-code]").forEach(function (button) {
      var inList = has(items, button.dataset.shortlistCode);
      button.hidden = false;
      button.setAttribute("aria-pressed", inList ? "true" : "false");
      button.textContent = inList ? button.dataset.labelRemove : button.dataset.labelAdd;
    });
    var list = document.getElementById("shortlist-list");
    if (list) {
      list.innerHTML = "";
      items.forEach(function (i) {
        var li = document.createElement("li");
        li.textContent = i.name + " ";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link-button";
        remove.textContent = (list.dataset.labelRemove || "") + " " + i.name;
        remove.addEventListener("click", function () { toggle(i.code, i.name); });
        li.appendChild(remove);
        list.appendChild(li);
      });
      var panel = document.getElementById("shortlist-panel");
      if (panel) panel.hidden = items.length === 0;
    }
  }

  function toggle(code, name) {
    var items = read();
    var button = document.querySelector("[data-shortlist-code='" + code + "']");
    var labels = button ? button.dataset : (document.getElementById("shortlist-list") || {}).dataset || {};
    if (has(items, code)) {
      items = items.filter(function (i) { return i.code !== code; });
      announce((labels.labelRemoved || "").replace("{name}", name));
    } else if (items.length >= MAX) {
      announce((labels.labelFull || "").replace("{max}", String(MAX)));
      return;
    } else {
      items.push({ code: code, name: name });
      announce((labels.labelAdded || "").replace("{name}", name).replace("{n}", String(items.length)));
    }
    write(items);
    render();
  }

  function init() {
    document.querySelectorAll("[data-shortlist-code]").forEach(function (button) {
      button.addEventListener("click", function () { toggle(button.dataset.shortlistCode, button.dataset.shortlistName); });
    });
    window.addEventListener("storage", function (e) { if (e.key === KEY) render(); });
    render();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
