"""Keys for the embedded demo: generated once into var/local-keys.json, never committed."""

import base64
import json
import os
import secrets
from pathlib import Path


def load_or_create_local_keys(var_dir: Path) -> dict[str, str]:
    path = Path(var_dir) / "local-keys.json"
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = {
        "secret_key": secrets.token_urlsafe(50),
        "data_key": base64.b64encode(secrets.token_bytes(32)).decode(),
        "index_key": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(keys, fh)
    return keys
