// Drag and drop onto the bills list: dropped files go into the form's file input and are sent.
document.querySelectorAll("[data-dropzone]").forEach((zone) => {
  const input = zone.querySelector("input[type=file]");
  const stop = (event) => { event.preventDefault(); event.stopPropagation(); };
  ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
    stop(event);
    zone.classList.add("dragging");
  }));
  ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, (event) => {
    stop(event);
    zone.classList.remove("dragging");
  }));
  zone.addEventListener("drop", (event) => {
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    zone.requestSubmit();
  });
  input.addEventListener("change", () => { if (input.files.length) zone.requestSubmit(); });
});
