// Autosave for an application section form:
//   <form data-qm-module="autosave" data-autosave-url="/agency/applications/1/sections/q1/autosave/">
//
// The form works without this: its buttons save as usual. With it:
//
// - When a field changes, the form is saved in the background (POST of the
//   form's fields, without any file, to data-autosave-url) once the person has
//   paused for IDLE_MS. Someone who types without pausing is saved at least every
//   MAX_WAIT_MS, and after a save the next one waits at least MIN_INTERVAL_MS,
//   so a section is saved at most about every 30 seconds.
// - A successful save updates the hidden "version" input (so the form's own
//   buttons do not clash with the autosave) and says "Saved at 14:32".
// - 409 (someone else saved the section): autosave stops and says how to see
//   both versions. 403 (the application is locked) or being signed out also stop
//   it. A network failure says "Not saved – check your connection" and tries again.
// - A copy of the fields is kept in this browser's localStorage, keyed by the
//   autosave URL, until the server has it. If the page loads with different
//   content, the person is offered their unsaved copy back. Copies older than
//   KEEP_LOCAL_MS are thrown away.
// - Word counts start for every textarea with data-word-limit in the form.

import startWordCounts from "./word-count.js";

const IDLE_MS = 3000;
const MAX_WAIT_MS = 30000;
const MIN_INTERVAL_MS = 30000;
const RETRY_FIRST_MS = 10000;
const RETRY_MAX_MS = 60000;
const LOCAL_WRITE_MS = 400;
const KEEP_LOCAL_MS = 3 * 24 * 60 * 60 * 1000;
const STORAGE_PREFIX = "qm-autosave:";

const TIME = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long" });

// --- the fields -------------------------------------------------------------------------

function answerFields(form) {
  return Array.from(form.elements).filter(
    (element) =>
      element.name &&
      !element.disabled &&
      !["hidden", "file", "submit", "button", "reset", "image"].includes(element.type) &&
      !["BUTTON", "FIELDSET", "OUTPUT", "OBJECT"].includes(element.tagName),
  );
}

// The answers as a plain object: { name: value } (checked radios and checkboxes only).
// With asServed, the answers as the page arrived from the server instead.
function readAnswers(form, { asServed = false } = {}) {
  const answers = {};
  for (const element of answerFields(form)) {
    if (element.type === "radio" || element.type === "checkbox") {
      if (!(element.name in answers)) answers[element.name] = element.type === "checkbox" ? [] : "";
      if (asServed ? element.defaultChecked : element.checked) {
        if (element.type === "checkbox") answers[element.name].push(element.value);
        else answers[element.name] = element.value;
      }
    } else if (element.tagName === "SELECT") {
      const chosen = Array.from(element.options)
        .filter((option) => (asServed ? option.defaultSelected : option.selected))
        .map((option) => option.value);
      answers[element.name] = element.multiple ? chosen : (chosen[0] ?? "");
    } else {
      answers[element.name] = asServed ? element.defaultValue : element.value;
    }
  }
  return answers;
}

// Browsers turn line endings in a textarea into CRLF when posting, and the server
// strips white space from the ends: neither is a change.
function normalised(value) {
  if (Array.isArray(value)) return value.join("\u0000");
  return String(value ?? "")
    .replace(/\r\n?/g, "\n")
    .trim();
}

function sameAnswers(a, b) {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (normalised(a[key]) !== normalised(b[key])) return false;
  }
  return true;
}

function writeAnswers(form, answers) {
  let first = null;
  for (const element of answerFields(form)) {
    if (!(element.name in answers)) continue;
    const value = answers[element.name];
    let changed = false;
    if (element.type === "radio") {
      const checked = element.value === value;
      changed = element.checked !== checked;
      element.checked = checked;
    } else if (element.type === "checkbox") {
      const checked = Array.isArray(value) && value.includes(element.value);
      changed = element.checked !== checked;
      element.checked = checked;
    } else if (element.tagName === "SELECT" && element.multiple) {
      for (const option of element.options) option.selected = value.includes(option.value);
      changed = true;
    } else if (element.value !== value) {
      element.value = value;
      changed = true;
    }
    if (changed) {
      first = first || element;
      element.dispatchEvent(new Event("input", { bubbles: true }));
      element.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
  return first;
}

// --- the copy kept in this browser ------------------------------------------------------

function localStore() {
  try {
    const store = window.localStorage;
    const probe = `${STORAGE_PREFIX}probe`;
    store.setItem(probe, "1");
    store.removeItem(probe);
    return store;
  } catch {
    return null; // private browsing, storage full or switched off: carry on without it
  }
}

function readLocal(store, key) {
  if (!store) return null;
  try {
    const copy = JSON.parse(store.getItem(key) || "null");
    if (!copy || typeof copy.answers !== "object" || typeof copy.keptAt !== "number") return null;
    return copy;
  } catch {
    return null;
  }
}

function forgetOldCopies(store) {
  if (!store) return;
  const now = Date.now();
  for (let index = store.length - 1; index >= 0; index -= 1) {
    const key = store.key(index);
    if (!key || !key.startsWith(STORAGE_PREFIX)) continue;
    const copy = readLocal(store, key);
    if (!copy || now - copy.keptAt > KEEP_LOCAL_MS) store.removeItem(key);
  }
}

// --- what the person sees ---------------------------------------------------------------

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function warning(text) {
  const box = element("div", "govuk-warning-text qm-autosave-warning");
  const icon = element("span", "govuk-warning-text__icon", "!");
  icon.setAttribute("aria-hidden", "true");
  const strong = element("strong", "govuk-warning-text__text");
  strong.append(element("span", "govuk-visually-hidden", "Warning"), ` ${text}`);
  box.append(icon, strong);
  return box;
}

function firstContentNode(form) {
  // After the hidden inputs (CSRF token, version) at the top of the form.
  let node = form.firstElementChild;
  while (node && node.tagName === "INPUT" && node.type === "hidden") node = node.nextElementSibling;
  return node;
}

// --- the module -------------------------------------------------------------------------

export default function startAutosave(form) {
  startWordCounts(form);

  const url = form.dataset.autosaveUrl;
  const versionInput = form.querySelector('input[name="version"]');
  const tokenInput = form.querySelector('input[name="csrfmiddlewaretoken"]');
  if (!url || !versionInput || !tokenInput || !window.fetch) return;

  const storageKey = `${STORAGE_PREFIX}${url}`;
  const store = localStore();
  forgetOldCopies(store);

  const status = element("div", "qm-autosave-status");
  status.setAttribute("aria-live", "polite");
  status.dataset.qmAutosaveStatus = "";
  form.insertBefore(status, firstContentNode(form));

  const say = (text, { problem = false } = {}) => {
    const line = problem ? warning(text) : element("p", "qm-autosave-status__text", text);
    status.replaceChildren(line);
  };

  // The page already shows an edit conflict: the person must choose, and save, themselves.
  const conflictShown = Boolean(document.getElementById("edit-conflict"));

  let lastSent = readAnswers(form, { asServed: true }); // what the server has, as far as we know
  let dirty = false;
  let changes = 0;
  let firstDirtyAt = 0;
  let lastChangeAt = 0;
  let lastSavedAt = 0;
  let retryAt = 0;
  let retryDelay = RETRY_FIRST_MS;
  let stopped = conflictShown;
  let submitting = false;
  let inFlight = null;
  let timer = null;
  let localTimer = null;

  const keepLocal = () => {
    if (!store) return;
    try {
      store.setItem(
        storageKey,
        JSON.stringify({ keptAt: Date.now(), version: versionInput.value, answers: readAnswers(form) }),
      );
    } catch {
      // Storage full: the server copy is what matters.
    }
  };
  const forgetLocal = () => {
    if (store) store.removeItem(storageKey);
  };

  const stop = () => {
    stopped = true;
    window.clearTimeout(timer);
  };

  const schedule = () => {
    window.clearTimeout(timer);
    if (!dirty || stopped || submitting || inFlight) return;
    const now = Date.now();
    let due = Math.min(lastChangeAt + IDLE_MS, firstDirtyAt + MAX_WAIT_MS);
    if (lastSavedAt) due = Math.max(due, lastSavedAt + MIN_INTERVAL_MS);
    if (retryAt) due = Math.max(due, retryAt);
    timer = window.setTimeout(save, Math.max(0, due - now));
  };

  const failedToConnect = () => {
    dirty = true;
    firstDirtyAt = firstDirtyAt || Date.now();
    retryAt = Date.now() + retryDelay;
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
    say("Not saved – check your connection. We will try again in a moment.", { problem: true });
  };

  async function send() {
    const answers = readAnswers(form);
    if (sameAnswers(answers, lastSent)) {
      dirty = false;
      firstDirtyAt = 0;
      return;
    }
    const sentChanges = changes;
    dirty = false;
    firstDirtyAt = 0;

    const body = new FormData(form);
    for (const input of form.querySelectorAll('input[type="file"]')) {
      if (input.name) body.delete(input.name);
    }
    for (const name of ["save", "later", "upload"]) body.delete(name);

    let response;
    try {
      response = await window.fetch(url, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual",
        headers: {
          Accept: "application/json",
          "X-CSRFToken": tokenInput.value,
          "X-Requested-With": "XMLHttpRequest",
        },
      });
    } catch {
      failedToConnect();
      return;
    }

    if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
      stop();
      say(
        "Not saved – you have been signed out. Select ‘Save and come back later’: you will be " +
          "asked to sign in again and what you typed will be kept.",
        { problem: true },
      );
      return;
    }

    let payload = {};
    try {
      payload = await response.json();
    } catch {
      payload = {};
    }

    if (response.ok && payload.saved) {
      versionInput.value = String(payload.version);
      lastSent = answers;
      lastSavedAt = Date.now();
      retryAt = 0;
      retryDelay = RETRY_FIRST_MS;
      say(`Saved at ${TIME.format(new Date())}`);
      if (changes === sentChanges) forgetLocal();
      return;
    }
    if (response.status === 409) {
      stop();
      const who = payload.updated_by ? `${payload.updated_by} has` : "Someone else has";
      say(
        `Not saved automatically: ${who} changed this section since you opened it. ` +
          "Nothing you have typed is lost. Select ‘Save and come back later’ to see both " +
          "versions and choose what to keep.",
        { problem: true },
      );
      return;
    }
    if (response.status === 403) {
      stop();
      say(
        "Not saved: this application can no longer be changed. It may have been submitted.",
        { problem: true },
      );
      return;
    }
    if (response.status === 400) {
      // Something the person typed is not valid yet (an e-mail address, a number).
      // Try again when they next change something.
      lastSent = {};
      say(
        "Not saved automatically because an answer needs correcting. " +
          "Select ‘Save and come back later’ to see what to change.",
        { problem: true },
      );
      return;
    }
    failedToConnect(); // 5xx, or a proxy's error page
  }

  async function save() {
    if (stopped || submitting || inFlight || !dirty) return;
    inFlight = send();
    try {
      await inFlight;
    } finally {
      inFlight = null;
      schedule();
    }
  }

  const changed = (event) => {
    if (event && event.target && event.target.type === "file") return;
    if (submitting) return;
    changes += 1;
    window.clearTimeout(localTimer);
    localTimer = window.setTimeout(keepLocal, LOCAL_WRITE_MS);
    if (stopped) return;
    const now = Date.now();
    dirty = true;
    lastChangeAt = now;
    firstDirtyAt = firstDirtyAt || now;
    schedule();
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  // The form's own buttons: never race an autosave that is on its way, or the
  // normal save would carry an out-of-date version and clash with it.
  form.addEventListener("submit", (event) => {
    window.clearTimeout(timer);
    window.clearTimeout(localTimer);
    if (inFlight && !submitting) {
      event.preventDefault();
      submitting = true;
      const submitter = event.submitter;
      inFlight.finally(() => {
        forgetLocal();
        if (submitter && form.contains(submitter)) form.requestSubmit(submitter);
        else form.requestSubmit();
      });
      return;
    }
    submitting = true;
    forgetLocal();
  });

  // Coming back to a page from the back/forward cache: allow saving again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) submitting = false;
  });

  offerLocalCopy();

  // Anything typed before this script started (or put back by the browser on
  // reload) has not been saved yet.
  if (!sameAnswers(readAnswers(form), lastSent)) changed();

  function offerLocalCopy() {
    const copy = readLocal(store, storageKey);
    if (!copy) return;
    const onPage = readAnswers(form);
    if (sameAnswers(copy.answers, onPage)) {
      forgetLocal();
      return;
    }
    const kept = new Date(copy.keptAt);
    const banner = element("div", "govuk-notification-banner qm-autosave-restore");
    banner.setAttribute("role", "region");
    banner.setAttribute("aria-labelledby", "qm-autosave-restore-title");
    banner.dataset.qmAutosaveRestore = "";
    const header = element("div", "govuk-notification-banner__header");
    const title = element("h2", "govuk-notification-banner__title", "Unsaved changes");
    title.id = "qm-autosave-restore-title";
    header.append(title);
    const content = element("div", "govuk-notification-banner__content");
    content.append(
      element(
        "p",
        "govuk-notification-banner__heading",
        `This browser kept changes to this section that were not saved, from ` +
          `${TIME.format(kept)} on ${DAY.format(kept)}.`,
      ),
    );
    if (copy.version !== versionInput.value) {
      content.append(
        element(
          "p",
          "govuk-body",
          "The section has been saved since then, perhaps by someone else. If you put your " +
            "changes back, they replace what is saved now when they are saved.",
        ),
      );
    }
    const buttons = element("div", "govuk-button-group");
    const restore = element("button", "govuk-button", "Put back my unsaved changes");
    restore.type = "button";
    const discard = element("button", "govuk-button govuk-button--secondary", "Discard them");
    discard.type = "button";
    buttons.append(restore, discard);
    content.append(buttons);
    banner.append(header, content);
    form.insertBefore(banner, status);

    restore.addEventListener("click", () => {
      banner.remove();
      const first = writeAnswers(form, copy.answers);
      say("Your unsaved changes are back in the form. They will be saved automatically.");
      if (first) first.focus();
    });
    discard.addEventListener("click", () => {
      banner.remove();
      forgetLocal();
      say("Your unsaved changes have been discarded.");
      const field = answerFields(form)[0];
      if (field) field.focus();
    });
  }
}
