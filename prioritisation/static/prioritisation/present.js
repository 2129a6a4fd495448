// Presentation mode: a "Full screen" button (the Fullscreen API needs a user
// gesture, so it cannot happen on load). Without JavaScript the page is still
// navigation-free and in large type; the button stays hidden.
const button = document.querySelector("[data-pmo-fullscreen]");
if (button && document.fullscreenEnabled) {
  button.hidden = false;
  button.addEventListener("click", () => {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else {
      document.documentElement.requestFullscreen();
    }
  });
  document.addEventListener("fullscreenchange", () => {
    button.textContent = document.fullscreenElement ? "Leave full screen" : "Full screen";
  });
}
