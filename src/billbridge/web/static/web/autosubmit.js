// A <select data-autosubmit> sends its form as soon as it is changed (the audit log's system
// filter): behaviour in a file, because the Content-Security-Policy allows no inline handler.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLElement && field.matches("[data-autosubmit]") && field.form) {
    field.form.requestSubmit();
  }
});
