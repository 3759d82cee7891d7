"""`python -m lib api`: the REST API (the Lambda handler) served on 127.0.0.1 for local development."""
from __future__ import annotations

import argparse
import dataclasses
import sys

from lib.config import load_settings
from lib.store import Store

DEV_CLIENT_ID = "local-dev"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("api", help="serve the REST API on 127.0.0.1 (Function URL events, as on Lambda)")
    p.add_argument("--port", type=int, default=8787, help="port on 127.0.0.1 (0: any free port); default 8787")
    p.add_argument("--dev-user", metavar="USER",
                   help="sign tokens with a throwaway key instead of a user pool, and print one for USER")
    p.add_argument("--dev-name", metavar="NAME", help="display name in the --dev-user token")
    p.set_defaults(handler=cmd_api)


def cmd_api(args: argparse.Namespace, store: Store) -> int:
    from lib.api import build_default_app
    from lib.api.local import JWKS_PATH, DevKeys, LocalServer

    settings = load_settings()
    server = LocalServer(args.port)
    try:
        if args.dev_user:
            # This server is the issuer and serves the throwaway key set itself.
            server.dev_keys = DevKeys.generate(server.url, DEV_CLIENT_ID)
            settings = dataclasses.replace(settings, jwt_issuer=server.url, jwt_client_id=DEV_CLIENT_ID,
                                           jwks_url_setting=server.url + JWKS_PATH)
        server.app = build_default_app(settings, store=store)
        print(f"API on {server.url} (store {settings.store_url}; tokens of {settings.jwt_issuer})", flush=True)
        if server.dev_keys is not None:
            print(f"Token for {args.dev_user} (throwaway key, valid 12 h):", flush=True)
            print(server.dev_keys.token(args.dev_user, args.dev_name), flush=True)
        print("Press Ctrl+C to stop.", file=sys.stderr, flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
