// The sign-in token comes in the link's fragment (never sent to a server or written to a log):
// copy it into the form and drop it from the address bar.
(function () {
  var token = window.location.hash.slice(1);
  if (token) {
    document.getElementById("token").value = token;
    history.replaceState(null, "", window.location.pathname);
  }
})();
