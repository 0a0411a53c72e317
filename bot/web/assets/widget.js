// Ponte web chat widget: one script tag on an NGO's page,
//   <script src="https://ponte.example.org/widget.js" data-label="Chat"
//           data-title="Ponte help line" data-position="right" defer></script>
// adds a launcher button and, on first open, a panel with the chat page in
// an iframe from Ponte's own origin (its storage keeps the anonymous id,
// its stream resumes after a dropped connection). Everything lives in a
// shadow root, so the host page's CSS cannot break it and ours cannot leak.
// Ponte must list the host page's origin in webchat_embed_origins, or the
// browser refuses to show the frame (CSP frame-ancestors).
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || window.__ponteWidget) return;
  window.__ponteWidget = true;

  const origin = new URL(script.src, location.href).origin;
  const data = script.dataset;
  const label = data.label || "Chat";
  const title = data.title || "Ponte";
  const side = data.position === "left" ? "left" : "right";
  const lang = data.lang || document.documentElement.lang || "";

  const host = document.createElement("div");
  host.setAttribute("data-ponte-widget", "");
  const root = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = `
    :host { all: initial; }
    .launcher {
      position: fixed; bottom: 16px; ${side}: 16px; z-index: 2147483000;
      min-width: 56px; min-height: 56px; padding: 0 20px; border: 0; border-radius: 28px;
      background: #0b5cad; color: #fff; font: 600 16px/1 system-ui, sans-serif;
      box-shadow: 0 4px 14px rgba(0,0,0,.3); cursor: pointer;
    }
    .launcher:focus-visible, .close:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
    .panel {
      position: fixed; bottom: 88px; ${side}: 16px; z-index: 2147483001;
      width: 380px; height: min(640px, calc(100vh - 112px));
      display: flex; flex-direction: column; background: #fff;
      border-radius: 12px; overflow: hidden; box-shadow: 0 8px 30px rgba(0,0,0,.35);
    }
    .panel[hidden] { display: none; }
    .bar {
      display: flex; align-items: center; justify-content: space-between; gap: 8px;
      padding: 8px 8px 8px 16px; background: #0b5cad; color: #fff;
      font: 600 16px/1.2 system-ui, sans-serif;
    }
    .close {
      min-width: 44px; min-height: 44px; border: 0; border-radius: 8px;
      background: transparent; color: #fff; font: 600 24px/1 system-ui, sans-serif; cursor: pointer;
    }
    iframe { flex: 1; width: 100%; border: 0; }
    @media (max-width: 480px) {
      .panel { inset: 0; width: 100vw; height: 100%; border-radius: 0; bottom: 0; ${side}: 0; }
    }
  `;
  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  launcher.textContent = label;
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "ponte-panel");

  const panel = document.createElement("div");
  panel.id = "ponte-panel";
  panel.className = "panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);
  const bar = document.createElement("div");
  bar.className = "bar";
  const heading = document.createElement("span");
  heading.textContent = title;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "close";
  close.textContent = "×";
  close.setAttribute("aria-label", "Close " + title);
  bar.append(heading, close);
  panel.append(bar);
  root.append(style, launcher, panel);

  let frame = null;
  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.title = title;
      frame.src = origin + "/?embed=1" + (lang ? "&lang=" + encodeURIComponent(lang) : "");
      frame.setAttribute("allow", "clipboard-write");
      panel.append(frame);
    }
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    frame.focus();
  }
  function hide() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  launcher.addEventListener("click", () => (panel.hidden ? open() : hide()));
  close.addEventListener("click", hide);
  panel.addEventListener("keydown", (e) => {
    if (e.key === "Escape") hide();
  });

  const attach = () => document.body.append(host);
  if (document.body) attach();
  else document.addEventListener("DOMContentLoaded", attach, { once: true });
})();
