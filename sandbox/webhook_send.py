"""Sending a webhook the way a vendor does, and recording what the receiver answered (for tests)."""
import urllib.error
import urllib.request


def send_webhook(s, url, body, headers):
    """POSTs a webhook the way the real system would; records what the receiver answered."""
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    except Exception:
        status = 0
    with s.lock:
        s.webhooks_sent.append({"url": url, "status": status})
    return status
