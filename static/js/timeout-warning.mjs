// The idle time-out warning (WCAG 2.2.1), after the HMRC / MOJ "timeout
// warning" pattern: a modal dialog opens `data-warn` seconds before the
// session ends, with focus in it and the time left in words, announced to
// screen readers. "Stay signed in" posts to the session-extend endpoint (the
// server restarts its idle clock); "Sign out" signs out. If the time runs
// out, the dialog says so: the page stays, and a form saved now is kept by
// the server until the user has signed in again (yos/kept_post.py).
// Without JavaScript there is no timer and the dialog is never shown.

function inWords(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  }
  const secs = Math.max(0, Math.ceil(seconds));
  return secs === 1 ? "1 second" : `${secs} seconds`;
}

export function initTimeoutWarning(dialog) {
  if (!dialog || typeof dialog.showModal !== "function") return;
  const warnFor = Number(dialog.dataset.warn);
  const warning = dialog.querySelector('[data-timeout-state="warning"]');
  const ended = dialog.querySelector('[data-timeout-state="ended"]');
  const form = dialog.querySelector("[data-timeout-form]");
  const stay = dialog.querySelector("[data-timeout-stay]");
  const announce = dialog.querySelector("[data-timeout-announce]");
  let idleEnds, absoluteEnds, lastAnnounced, state = "closed", returnFocus = null;

  const now = () => Date.now() / 1000;
  const schedule = (idleLeft, absoluteLeft) => {
    idleEnds = now() + Number(idleLeft);
    absoluteEnds = now() + Number(absoluteLeft);
  };
  const absoluteFirst = () => absoluteEnds <= idleEnds;
  const left = () => Math.min(idleEnds, absoluteEnds) - now();

  function showVariant(container) {
    const absolute = absoluteFirst();
    container.querySelector("[data-timeout-idle]").hidden = absolute;
    container.querySelector("[data-timeout-absolute]").hidden = !absolute;
  }

  function say(text) {
    announce.textContent = text;
  }

  function open() {
    state = "warning";
    returnFocus = document.activeElement;
    warning.hidden = false;
    ended.hidden = true;
    showVariant(warning);
    // At the absolute limit staying is not possible: only "Continue".
    stay.hidden = absoluteFirst();
    warning.querySelector("[data-timeout-close]").hidden = !absoluteFirst();
    dialog.setAttribute("aria-labelledby", "app-timeout-heading");
    dialog.setAttribute("aria-describedby", "app-timeout-message");
    update();
    dialog.showModal();
    dialog.focus();
    lastAnnounced = null;
    announceTime(true);
  }

  function close() {
    state = state === "ended" ? "done" : "closed";
    dialog.close();
    if (returnFocus && typeof returnFocus.focus === "function") returnFocus.focus();
  }

  function end() {
    state = "ended";
    warning.hidden = true;
    ended.hidden = false;
    showVariant(ended);
    dialog.setAttribute("aria-labelledby", "app-timeout-ended-heading");
    dialog.setAttribute("aria-describedby", "app-timeout-ended-message");
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
    }
    dialog.focus();
    const signIn = ended.querySelector("[data-timeout-sign-in]");
    const here = window.location.pathname + window.location.search;
    signIn.href = `${signIn.pathname}?next=${encodeURIComponent(here)}`;
    say("You have been signed out.");
  }

  function update() {
    const words = inWords(left());
    for (const el of dialog.querySelectorAll("[data-timeout-time]")) el.textContent = words;
  }

  function announceTime(force) {
    // Not every second: each minute, then at 30 and 10 seconds.
    const words = inWords(left());
    const secs = Math.ceil(left());
    const milestone = secs >= 60 || secs === 30 || secs === 10;
    if (force || (milestone && words !== lastAnnounced)) {
      lastAnnounced = words;
      say(`We will sign you out in ${words}.`);
    }
  }

  async function stayed(event) {
    if (event) event.preventDefault();
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || !type.includes("application/json")) {
        end();  // the session had already ended (the answer is the sign-in page)
        return;
      }
      const data = await response.json();
      schedule(data.idle_seconds_left, data.absolute_seconds_left);
      close();
    } catch (error) {
      form.submit();  // no network answer: the ordinary post
    }
  }

  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.hasAttribute("data-timeout-sign-out")) return;
    stayed(event);
  });
  for (const button of dialog.querySelectorAll("[data-timeout-close]")) {
    button.addEventListener("click", close);
  }
  // Escape: "stay signed in" while that is possible, else just close.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (state === "warning" && !stay.hidden) stayed();
    else close();
  });

  schedule(dialog.dataset.idleLeft, dialog.dataset.absoluteLeft);
  window.setInterval(() => {
    const remaining = left();
    if (remaining <= 0) {
      if (state === "closed" || state === "warning") end();
      return;
    }
    if (state === "closed" && remaining <= warnFor) open();
    if (state === "warning") {
      update();
      announceTime(false);
    }
  }, 1000);
}

initTimeoutWarning(document.getElementById("app-timeout-warning"));
