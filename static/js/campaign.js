/* Campaigns and channels without a cookie (issue 17). The address a person lands on may carry utm_source,
   utm_medium, utm_campaign and ref (the event or employer that sent them); a page may also say which event
   it is (data-campaign-referral). They are kept in this tab's sessionStorage — never a cookie, so the
   pages stay shared in the cache — and fill the hidden fields of the request form ([data-campaign]).
   The server cleans the values; this only carries them. */
(function () {
  "use strict";
  var KEY = "osez.campaign";
  var NAMES = ["utm_source", "utm_medium", "utm_campaign", "ref"];
  var storage;
  try { storage = window.sessionStorage; storage.getItem(KEY); } catch (e) { storage = null; }
  if (!storage) return;
  var kept = {};
  try { kept = JSON.parse(storage.getItem(KEY) || "{}") || {}; } catch (e) { kept = {}; }
  var params = new URLSearchParams(window.location.search);
  var arrived = {};
  var fresh = false;
  NAMES.forEach(function (name) {
    var value = params.get(name);
    if (value) { arrived[name] = value.slice(0, 200); fresh = true; }
  });
  // A new campaign link replaces the previous one whole (the last link followed is the one counted).
  if (fresh) kept = arrived;
  var page = document.querySelector("[data-campaign-referral]");
  if (page && !kept.ref) kept.ref = page.getAttribute("data-campaign-referral").slice(0, 200);
  try { storage.setItem(KEY, JSON.stringify(kept)); } catch (e) { /* storage full or refused: nothing kept */ }
  document.querySelectorAll("input[data-campaign]").forEach(function (input) {
    var value = kept[input.getAttribute("data-campaign")];
    if (value && !input.value) input.value = value;
  });
})();
