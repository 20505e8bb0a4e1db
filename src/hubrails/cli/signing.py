"""``hub keygen``: an Ed25519 key pair for signed certificates."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def keygen_command(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Where to write the private key (the public key goes beside it, .pub). "
            "Default: ~/.config/hubrails/keys/signing.pem. Never inside a repository.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write an Ed25519 key pair for 'hub certify --write --sign' and print its key id.

    The private key (PKCS#8 PEM, mode 0600) is refused inside a git repository or registry;
    add the printed signing_keys entry to the team's Team manifest.

    Exit 0: written. Exit 2: the path is inside a repository, exists, or cannot be written.
    """
    import datetime as dt

    from hubrails.core.signing.keys import default_key_path, write_pair

    pair = write_pair(out if out is not None else default_key_path())
    today = dt.datetime.now(dt.UTC).date()
    until = today + dt.timedelta(days=365)
    sys.stderr.write(f"hub: wrote {pair.private} (private, 0600) and {pair.public}\n")
    indented = "".join(f"      {line}\n" for line in pair.public_pem.splitlines())
    sys.stdout.write(
        f"{pair.keyid}\n"
        "# add to the team's manifest, under spec:\n"
        "signing_keys:\n"
        f"  - keyid: {pair.keyid}\n"
        f'    not_before: "{today.isoformat()}"\n'
        f'    not_after: "{until.isoformat()}"\n'
        "    public_key: |\n"
        f"{indented}"
    )
