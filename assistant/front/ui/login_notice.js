// Gradio's login page shows one fixed "wrong credentials" text for every refusal; this shows
// the server's own message (e.g. a lockout with its remaining time) above the form.
(() => {
  const original = window.fetch;
  window.fetch = async (...args) => {
    const response = await original(...args);
    const target = args[0] && args[0].url ? args[0].url : String(args[0]);
    if (/\/login\/?$/.test(target) && response.status === 400) {
      response.clone().json().then((body) => {
        if (!body || typeof body.detail !== "string") return;
        let note = document.getElementById("login-notice");
        if (!note) {
          note = document.createElement("div");
          note.id = "login-notice";
          note.setAttribute("role", "alert");
          note.style.cssText = "margin:12px auto;max-width:480px;padding:8px 12px;" +
            "border:1px solid #b91c1c;border-radius:6px;color:#b91c1c;background:#fef2f2;";
          document.body.prepend(note);
        }
        note.textContent = body.detail;
      }).catch(() => {});
    }
    return response;
  };
})();
