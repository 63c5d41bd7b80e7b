// Small progressive enhancements of the staff pages (everything works without them).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});

// A counter under every text area with a length limit: "1 234 / 5 000 caractères" (announced politely).
function addCounter(area) {
  const limit = Number(area.getAttribute("maxlength"));
  if (!limit || area.dataset.counterReady) return;
  area.dataset.counterReady = "1";
  const counter = document.createElement("p");
  counter.className = "char-counter muted";
  counter.id = `${area.id || area.name}-counter`;
  counter.setAttribute("aria-live", "polite");
  const format = new Intl.NumberFormat("fr-FR");
  const update = () => {
    const used = area.value.length;
    counter.textContent = `${format.format(used)} / ${format.format(limit)} caractères`;
    counter.classList.toggle("char-counter--near", used > limit * 0.9);
  };
  area.after(counter);
  area.setAttribute("aria-describedby", `${area.getAttribute("aria-describedby") || ""} ${counter.id}`.trim());
  area.addEventListener("input", update);
  update();
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[maxlength]").forEach(addCounter);
});
