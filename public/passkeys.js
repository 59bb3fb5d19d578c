// Passkeys: the browser's half of the WebAuthn ceremonies (the server's half is
// app/src/auth/passkeys.rs). Loaded only by the pages that offer passkeys. Without this script,
// or in a browser without WebAuthn, the buttons stay hidden and the password path works.
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBytes(b64url) {
    var b64 = b64url.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) b64 += '=';
    var text = atob(b64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    if (!buffer) return null;
    var bytes = new Uint8Array(buffer);
    var text = '';
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // A server function called as an API: form fields in, JSON out; a redirect comes back as a
  // Location header on a 200.
  function call(path, fields) {
    return fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(fields).toString(),
      credentials: 'same-origin',
    }).then(function (response) {
      var location = response.headers.get('location');
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        if (!response.ok) throw new Error(messageOf(body));
        return { body: body, location: location };
      });
    });
  }

  function messageOf(error) {
    if (!error) return 'The request failed. Please try again.';
    if (typeof error === 'string') {
      return error === 'Unauthenticated' ? 'Please sign in again.' : 'The request was refused. Please try again.';
    }
    var kind = Object.keys(error)[0];
    var detail = error[kind];
    if (kind === 'Invalid' && detail && detail.errors && detail.errors.length) return detail.errors[0].message;
    if (typeof detail === 'string') return detail;
    return 'The request was refused. Please try again.';
  }

  function show(box, text) {
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }

  function creationOptions(json) {
    var o = JSON.parse(json).publicKey;
    o.challenge = toBytes(o.challenge);
    o.user.id = toBytes(o.user.id);
    (o.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return { publicKey: o };
  }

  function requestOptions(json) {
    var o = JSON.parse(json).publicKey;
    o.challenge = toBytes(o.challenge);
    (o.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return { publicKey: o };
  }

  function registration(credential) {
    var r = credential.response;
    return JSON.stringify({
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        attestationObject: toText(r.attestationObject),
        clientDataJSON: toText(r.clientDataJSON),
        transports: r.getTransports ? r.getTransports() : undefined,
      },
      extensions: {},
    });
  }

  function assertion(credential) {
    var r = credential.response;
    return JSON.stringify({
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        authenticatorData: toText(r.authenticatorData),
        clientDataJSON: toText(r.clientDataJSON),
        signature: toText(r.signature),
        userHandle: toText(r.userHandle),
      },
      extensions: {},
    });
  }

  function busy(button, on) {
    button.disabled = on;
    if (on) button.setAttribute('aria-busy', 'true'); else button.removeAttribute('aria-busy');
  }

  function signIn(button) {
    var box = document.querySelector('[data-passkey-message]');
    show(box, '');
    busy(button, true);
    call('/api/login/passkey/options', {})
      .then(function (answer) {
        var ceremony = answer.body.ceremony;
        return navigator.credentials.get(requestOptions(answer.body.options)).then(function (credential) {
          return call('/api/login/passkey', {
            ceremony: ceremony,
            credential: assertion(credential),
            next: button.getAttribute('data-next') || '/',
          });
        });
      })
      .then(function (done) { window.location.assign(done.location || '/'); })
      .catch(function (error) {
        busy(button, false);
        show(box, error && error.name === 'NotAllowedError'
          ? 'No passkey was used. Try again, or sign in with your password.'
          : (error && error.message) || 'The passkey did not work.');
      });
  }

  function add(form) {
    var box = form.querySelector('[data-passkey-message]');
    var button = form.querySelector('button');
    var name = form.querySelector('input[name=name]').value.trim();
    show(box, '');
    if (!name) { show(box, 'Give the passkey a name first, like "work laptop".'); return; }
    busy(button, true);
    call('/api/account/passkeys/options', {})
      .then(function (answer) {
        var ceremony = answer.body.ceremony;
        return navigator.credentials.create(creationOptions(answer.body.options)).then(function (credential) {
          return call('/api/account/passkeys/add', { ceremony: ceremony, name: name, credential: registration(credential) });
        });
      })
      .then(function (done) { window.location.assign(done.location || '/account'); })
      .catch(function (error) {
        busy(button, false);
        show(box, error && error.name === 'NotAllowedError'
          ? 'The passkey was not created. Try again when you are ready.'
          : (error && error.message) || 'The passkey could not be added.');
      });
  }

  function start() {
    document.querySelectorAll('[data-passkey]').forEach(function (element) { element.hidden = false; });
    document.querySelectorAll('[data-passkey-signin]').forEach(function (button) {
      button.addEventListener('click', function () { signIn(button); });
    });
    document.querySelectorAll('form[data-passkey-add]').forEach(function (form) {
      form.addEventListener('submit', function (event) { event.preventDefault(); add(form); });
    });
    document.documentElement.setAttribute('data-passkeys', 'ready');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
