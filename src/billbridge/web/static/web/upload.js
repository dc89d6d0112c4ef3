// Adding bills from the list: drag and drop onto the drop zone, or (on a phone) photos from the
// camera. The files are sent with a progress bar (B-8); the page then shows the new bills.
document.querySelectorAll("[data-dropzone]").forEach((zone) => {
  const inputs = zone.querySelectorAll("input[type=file]");
  const progress = zone.querySelector("[data-progress]");
  const stop = (event) => { event.preventDefault(); event.stopPropagation(); };

  const send = (files) => {
    if (!files || !files.length) return;
    if (!progress || !window.XMLHttpRequest) { zone.requestSubmit(); return; }
    const data = new FormData();
    data.append("csrfmiddlewaretoken", zone.querySelector("[name=csrfmiddlewaretoken]").value);
    Array.from(files).forEach((file) => data.append("documents", file, file.name));
    const bar = progress.querySelector("progress");
    const text = progress.querySelector("[data-progress-text]");
    progress.hidden = false;
    const request = new XMLHttpRequest();
    request.open("POST", zone.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.addEventListener("progress", (event) => {
      if (!event.lengthComputable) return;
      const percent = Math.round((event.loaded / event.total) * 100);
      bar.value = percent;
      text.textContent = percent + " %";
    });
    // The server keeps its messages ("2 documents added") for the page loaded next.
    request.addEventListener("load", () => { window.location.assign(zone.dataset.next); });
    request.addEventListener("error", () => { zone.requestSubmit(); });
    request.send(data);
  };

  ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
    stop(event);
    zone.classList.add("dragging");
  }));
  ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, (event) => {
    stop(event);
    zone.classList.remove("dragging");
  }));
  zone.addEventListener("drop", (event) => {
    if (event.dataTransfer) send(event.dataTransfer.files);
  });
  inputs.forEach((input) => input.addEventListener("change", () => send(input.files)));
  zone.addEventListener("submit", (event) => {
    const files = Array.from(inputs).flatMap((input) => Array.from(input.files));
    if (!files.length) return;
    stop(event);
    send(files);
  });
});
