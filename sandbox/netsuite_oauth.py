"""The sandbox's NetSuite OAuth 2.0 client credentials (M2M) token endpoint: a JWT client assertion signed with the
certificate's private key (ES256), checked as Oracle documents it (upstream-apis.md section 1)."""
import base64
import json
import secrets
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class NetSuiteOAuth:
    def __init__(self, state):
        self.s = state

    # -- OAuth 2.0 M2M: a JWT client assertion signed with the certificate's private key ---------------------
    def token(self, form, token_url):
        a = self.s.args
        if form.get("grant_type") != "client_credentials" or form.get("client_assertion_type") != \
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
            return 400, {"error": "invalid_request"}
        try:
            head_b64, claims_b64, sig_b64 = form.get("client_assertion", "").split(".")
            header = json.loads(b64url_decode(head_b64))
            claims = json.loads(b64url_decode(claims_b64))
            sig = b64url_decode(sig_b64)
        except Exception:
            return 400, {"error": "invalid_request"}
        if header.get("alg") != "ES256" or header.get("kid") != a.netsuite_certificate_id:
            return 401, {"error": "invalid_client"}
        if a.netsuite_public_key:
            key = serialization.load_pem_public_key(open(a.netsuite_public_key, "rb").read())
            if len(sig) != 64:
                return 401, {"error": "invalid_client"}
            der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
            try:
                key.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
            except InvalidSignature:
                return 401, {"error": "invalid_client"}
        now = time.time()
        scope = claims.get("scope")
        scopes = scope if isinstance(scope, list) else str(scope or "").replace(",", " ").split()
        if (claims.get("iss") != a.netsuite_client_id or claims.get("aud") != token_url
                or not (claims.get("iat", 0) - 300 <= now <= claims.get("exp", 0))
                or claims.get("exp", 0) - claims.get("iat", 0) > 3600 or "rest_webservices" not in scopes):
            return 401, {"error": "invalid_grant"}
        token = secrets.token_urlsafe(24)
        with self.s.lock:
            self.s.netsuite_tokens[token] = now + 3600
        return 200, {"access_token": token, "expires_in": 3600, "token_type": "bearer"}

    def authorised(self, headers):
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return False
        with self.s.lock:
            return self.s.netsuite_tokens.get(auth[7:], 0) > time.time()
