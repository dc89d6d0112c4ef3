// On a phone the side menu folds into a "Menu" button at the top (B-8). Without this script the
// menu simply stays open above the page.
(() => {
  const toggle = document.querySelector(".menu-toggle");
  const menu = document.getElementById("sidebar-menu");
  if (!toggle || !menu) return;
  document.body.classList.add("menu-folds");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = document.body.classList.toggle("menu-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
