"""eBay's digital signatures for APIs, verified as eBay's own verifier does (eBay/digital-signature-verification-ebay-api,
VerificationService; the "Digital Signatures for APIs" guide). The caller sends

  Content-Digest: sha-256=:<base64 SHA-256 of the body>:          (when there is a body)
  x-ebay-signature-key: <the JWE eBay's Key Management API issued with the key pair>
  Signature-Input: sig1=("content-digest" "x-ebay-signature-key" "@method" "@path" "@authority");created=<unix s>
  Signature: sig1=:<base64 signature over the signature base>:

The signature base is one line per listed component, `"<name>": <value>` (header values verbatim), then
`"@signature-params": ` and the Signature-Input value without its label; LF between lines, none at the end. Ed25519
signs the base itself; RSA signs it with RSASSA-PKCS1-v1_5 and SHA-256.

The JWE (A256GCMKW key wrap, A256GCM, DEFLATE) carries the public key (`pkey`, base64 SPKI DER) and `cipher`. eBay
encrypts real ones with its own key; the sandbox uses the master key eBay publishes for its verifier's test JWEs
(keys/masterkey.key), so it accepts eBay's published test vectors and issues JWEs of the same kind itself.
"""
import base64
import hashlib
import json
import re
import secrets
import time
import uuid
import zlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MASTER_KEY = base64.b64decode("uSA8lSm4fWRrDs8JvjS/Y6D5Ohp3mIKC4AhN/nBaGxs=")
REQUIRED = ("x-ebay-signature-key", "@method", "@path", "@authority")  # and content-digest when there is a body
MAX_AGE_S = 300  # [B] how far `created` may be from now: eBay answers 215114 outside a range it does not publish
INPUT = re.compile(r".+=(\((.+)\);created=(\d+)(;keyid=.+)?)")  # eBay's verifier's own pattern


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_jwe(public_der, cipher):
    """A compact JWE like the Key Management API's: claims pkey and cipher, wrapped with the master key."""
    now = int(time.time())
    claims = {"cipher": cipher, "appid": "refundsync-sandbox", "pkey": base64.b64encode(public_der).decode(),
              "iat": now, "nbf": now, "exp": now + 3 * 365 * 86400, "jti": str(uuid.uuid4())}
    compressor = zlib.compressobj(wbits=-15)
    plaintext = compressor.compress(json.dumps(claims).encode()) + compressor.flush()
    cek, key_iv, iv = secrets.token_bytes(32), secrets.token_bytes(12), secrets.token_bytes(12)
    wrapped = AESGCM(MASTER_KEY).encrypt(key_iv, cek, b"")
    header = {"zip": "DEF", "enc": "A256GCM", "tag": b64u(wrapped[-16:]), "alg": "A256GCMKW", "iv": b64u(key_iv)}
    protected = b64u(json.dumps(header).encode())
    sealed = AESGCM(cek).encrypt(iv, plaintext, protected.encode("ascii"))
    return ".".join([protected, b64u(wrapped[:-16]), b64u(iv), b64u(sealed[:-16]), b64u(sealed[-16:])])


def read_jwe(token):
    """The JWE's claims, or None when it is not one the master key opens."""
    try:
        protected, encrypted_key, iv, ciphertext, tag = token.split(".")
        header = json.loads(b64u_decode(protected))
        cek = AESGCM(MASTER_KEY).decrypt(b64u_decode(header["iv"]), b64u_decode(encrypted_key) + b64u_decode(header["tag"]), b"")
        plaintext = AESGCM(cek).decrypt(b64u_decode(iv), b64u_decode(ciphertext) + b64u_decode(tag), protected.encode("ascii"))
        if header.get("zip") == "DEF":
            plaintext = zlib.decompress(plaintext, -15)
        return json.loads(plaintext)
    except Exception:
        return None


def new_signing_key(cipher):
    """What createSigningKey returns: the key pair (PEM) and the JWE naming its public key to eBay."""
    cipher = "RSA" if cipher.upper() == "RSA" else "ED25519"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if cipher == "RSA" else \
        ed25519.Ed25519PrivateKey.generate()
    public_der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    now = int(time.time())
    return {"signingKeyId": secrets.token_hex(16), "signingKeyCipher": cipher, "privateKey": private,
            "publicKey": base64.b64encode(public_der).decode(),
            "jwe": issue_jwe(public_der, "RSA" if cipher == "RSA" else "Ed25519"),
            "creationTime": now, "expirationTime": now + 3 * 365 * 86400}


def failure(error_id, message):
    return {"errorId": error_id, "domain": "ACCESS", "category": "REQUEST", "message": message,
            "longMessage": message + " to fulfill the request."}


def verify(headers, method, path, authority, body):
    """None when the request is signed as eBay requires; else eBay's error (as its APIs answer, with HTTP 403)."""
    key_header = headers.get("x-ebay-signature-key")
    if not key_header:
        return failure(215001, "Missing x-ebay-signature-key header")
    m = INPUT.fullmatch(headers.get("signature-input", "").strip())
    if not m:
        return failure(215120, "Signature validation failed")
    params, created = m.group(1), int(m.group(3))
    listed = re.findall(r'"([^"]+)"', m.group(2))
    if any(c not in listed for c in REQUIRED) or (bool(body) != ("content-digest" in listed)):
        return failure(215120, "Signature validation failed")
    if abs(time.time() - created) > MAX_AGE_S:
        return failure(215114, "The create time of signature parameters is not in right range")
    values = {"@method": method, "@path": path, "@authority": authority}
    lines = []
    for name in listed:
        value = values.get(name, headers.get(name))
        if value is None:
            return failure(215120, "Signature validation failed")
        lines.append(f'"{name}": {value}')
    lines.append(f'"@signature-params": {params}')
    claims = read_jwe(key_header.strip())
    now = time.time()
    # As eBay's verifier: the JWE must name its cipher (older JWEs without it are refused); and the sandbox, less
    # conveniently than that verifier, also holds it to its validity period.
    if not claims or "pkey" not in claims or claims.get("cipher") not in ("Ed25519", "RSA") or \
            now < claims.get("nbf", 0) or now > claims.get("exp", now):
        return failure(215120, "Signature validation failed")
    try:
        public = serialization.load_der_public_key(base64.b64decode(claims["pkey"]))
    except ValueError:
        return failure(215120, "Signature validation failed")
    if isinstance(public, ed25519.Ed25519PublicKey) != (claims["cipher"] == "Ed25519"):
        return failure(215120, "Signature validation failed")
    if body:
        expected = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
        if headers.get("content-digest", "").strip() != expected:
            return failure(215120, "Signature validation failed")
    s = re.fullmatch(r".+=:(.+):", headers.get("signature", "").strip())
    if not s:
        return failure(215120, "Signature validation failed")
    try:
        signature = base64.b64decode(s.group(1), validate=True)
        base = "\n".join(lines).encode()
        if isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, base)
        else:
            public.verify(signature, base, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return failure(215120, "Signature validation failed")
    return None
