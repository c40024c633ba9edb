#!/usr/bin/env python3
"""The exported wire documents describe every answer the gateways (and so the sandbox) give.

Run by `cargo xtask cross-language` as `python wire_answers.py SCHEMA_DIR RECORDS`. RECORDS is
the JSON list the integration test `wire_answers` writes: the sandbox's real answers to every
operation of the three APIs (the docs' examples, and each operation again with a wrong appId or
API KEY), each `{api, operation, method, path, query, status, content_type, headers,
body_base64}`. Every answer is validated with openapi-core (an OpenAPI response validator
independent of paybind) against `SCHEMA_DIR/<api>/openapi-wire.json`: status, content type,
headers and body. Prints the count per API and every disagreement; exits 1 on any.
"""

import base64
import json
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS31Validator

from cross_language import exact_multiple_of

# multipleOf in decimal arithmetic, as in cross_language.py: in binary floating point
# 33.33 / 0.01 is not a whole number, so SGATE's two-decimal amounts (Decimal2, multipleOf
# 0.01) would be refused for a reason that is not in the document.
OAS31Validator.VALIDATORS["multipleOf"] = exact_multiple_of


def server_url(doc):
    """The first server with its variables' defaults (the sandbox stands in for it)."""
    server = doc["servers"][0]
    url = server["url"]
    for name, variable in server.get("variables", {}).items():
        url = url.replace("{" + name + "}", variable["default"])
    return url.rstrip("/")


def main():
    schema_dir, records_path = Path(sys.argv[1]), Path(sys.argv[2])
    records = json.loads(records_path.read_text())
    if not records:
        print(f"FAIL {records_path}: no recorded answers")
        return 1
    apis = {}
    checked = Counter()
    disagreements = []
    for record in records:
        api = record["api"]
        if api not in apis:
            doc = json.loads((schema_dir / api / "openapi-wire.json").read_text())
            apis[api] = (OpenAPI.from_dict(doc), doc)
        openapi, doc = apis[api]
        # The sandbox serves SGATE under a prefix; the operation's documented path is the
        # production one.
        path = next(
            p
            for p, item in doc["paths"].items()
            if item.get(record["method"].lower(), {}).get("operationId") == record["operation"]
        )
        request = MockRequest(
            server_url(doc),
            record["method"].lower(),
            path,
            args=dict(parse_qsl(record["query"])),
        )
        body = base64.b64decode(record["body_base64"])
        if (record["content_type"] or "").startswith("text/"):
            body = body.decode("utf-8")  # a text media type is a string to the schema
        response = MockResponse(
            data=body,
            status_code=record["status"],
            headers=record["headers"],
            content_type=record["content_type"] or "",
        )
        checked[api] += 1
        try:
            openapi.validate_response(request, response)
        except Exception as error:  # every validation failure is a disagreement, named
            causes = []
            cause = error
            while cause is not None:
                causes.append(f"{type(cause).__name__}: {cause}")
                for attr in ("schema_errors",):
                    for e in getattr(cause, attr, None) or []:
                        causes.append(f"  {e.message} at {list(e.absolute_path)}")
                cause = cause.__cause__
            disagreements.append(
                f"{api} {record['operation']} HTTP {record['status']} {record['content_type']}: "
                + " <- ".join(causes)
            )
    for api, n in sorted(checked.items()):
        print(f"wire answers: {api}: {n} answers validated against openapi-wire.json")
    for d in disagreements:
        print(f"FAIL {d}")
    print(f"wire answers: {sum(checked.values())} checked, {len(disagreements)} disagreements")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
