// Outside voices: vote through the JSON API, so that the page works inside another site's
// frame too (there the browser withholds this site's same-site cookies from a form post, and
// the form's CSRF check would refuse it; a JSON request without a session needs no token).
// Without script, the form posts as usual.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-vote-api]");
  if (!form || !event.submitter) return;
  event.preventDefault();
  const status = document.getElementById("vote-status");
  const response = await fetch(form.dataset.voteApi, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": form.elements.csrf.value },
    body: JSON.stringify({
      statement_id: Number(form.elements.statement_id.value),
      value: Number(event.submitter.value),
    }),
  });
  if (response.ok) {
    window.location.reload();
    return;
  }
  let message = "Your vote was not recorded.";
  try {
    message = (await response.json()).detail || message;
  } catch (_) { /* not JSON */ }
  if (status) status.textContent = typeof message === "string" ? message : JSON.stringify(message);
});
