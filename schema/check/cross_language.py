#!/usr/bin/env python3
"""Proof that paybind's exported schemas work outside Rust.

Run by `cargo xtask cross-language` (which creates a virtual environment with the pinned
packages of requirements.txt) as `python cross_language.py SCHEMA_DIR`. For each API it checks:

1. every exported OpenAPI document (3.0 as written, 3.1 wire variant) passes
   openapi-spec-validator, every `$ref` in it resolves, and its YAML form reads (with PyYAML, a
   YAML 1.1 parser) as exactly its JSON form;
2. models.schema.json is valid JSON Schema 2020-12 (python-jsonschema's meta-schema check);
3. pydantic models generated from models.schema.json by datamodel-code-generator import, and
   every documented example (examples.json) is accepted by its model and by python-jsonschema;
   a request example with an unknown field or an over-long string is refused by both;
4. the `param` of every wire envelope example (BluePay, BluePay JT) is JSON text that its
   `contentSchema` model accepts;
5. the SGATE signing test vector of schema/README.md: MD5 of the signature object is
   8a5908e27626d79d73dc14bd9ba00e72;
6. SGATE Payin's signing test vectors (`info.x-signing.test-vectors` of its openapi.json),
   recomputed here with Python's hmac from the six pairs as schema/README.md describes.

Exits 1 when anything fails, printing each failure.
"""

import base64
import hashlib
import hmac
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from decimal import Decimal

import yaml
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError as SchemaError
from openapi_spec_validator import validate as validate_openapi
from pydantic import TypeAdapter, ValidationError

APIS = ["bluepay", "bluepay-jt", "sgate-payout", "sgate-payin"]


def exact_multiple_of(validator, divisor, instance, schema):
    """`multipleOf` in decimal arithmetic. Binary floating point makes 17.81 / 0.01 come out as
    1781.0000000000002, so python-jsonschema's own check refuses valid two-decimal amounts
    (SGATE's Decimal2 is `multipleOf: 0.01`); the decimal reading of the JSON number is exact."""
    if not validator.is_type(instance, "number") or isinstance(instance, bool):
        return
    if Decimal(str(instance)) % Decimal(str(divisor)) != 0:
        yield SchemaError(f"{instance!r} is not a multiple of {divisor}")


# Draft 2020-12 with an exact multipleOf; everything else unchanged.
Validator = validators.extend(Draft202012Validator, {"multipleOf": exact_multiple_of})

failures = []


def fail(message):
    failures.append(message)
    print(f"FAIL {message}", flush=True)


def check_refs(doc, name):
    """Every `$ref` of a document is a local JSON pointer that resolves."""

    def resolve(pointer):
        node = doc
        for token in pointer.lstrip("/").split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, list):
                node = node[int(token)]
            else:
                node = node[token]
        return node

    def walk(node, at):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                if not ref.startswith("#"):
                    fail(f"{name}: {at}/$ref: not a local reference: {ref}")
                else:
                    try:
                        resolve(ref[1:])
                    except (KeyError, IndexError, ValueError):
                        fail(f"{name}: {at}/$ref: {ref} does not resolve")
            for key, value in node.items():
                if key not in ("example", "examples", "default", "enum", "const"):
                    walk(value, f"{at}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{at}/{i}")

    walk(doc, "")


def check_documents(api_dir, api):
    for stem in ("openapi", "openapi-wire"):
        name = f"{api}/{stem}.json"
        doc = json.loads((api_dir / f"{stem}.json").read_text(encoding="utf-8"))
        try:
            validate_openapi(doc)
        except Exception as error:  # the validator raises several exception types
            fail(f"{name}: openapi-spec-validator: {str(error).splitlines()[0]}")
        check_refs(doc, name)
        from_yaml = yaml.safe_load((api_dir / f"{stem}.yaml").read_text(encoding="utf-8"))
        if from_yaml != doc:
            fail(f"{api}/{stem}.yaml: reads (YAML 1.1) differently from {stem}.json")
        print(f"ok   {name}: OpenAPI {doc['openapi']} valid, references resolve, YAML = JSON")


def generate_models(schema_file, out_dir, module_name):
    """pydantic v2 models from a JSON Schema bundle, imported as a module."""
    target = out_dir / f"{module_name}.py"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "datamodel_code_generator",
            "--input",
            str(schema_file),
            "--input-file-type",
            "jsonschema",
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--target-python-version",
            "3.10",
            "--field-constraints",
            "--disable-timestamp",
            "--formatters",
            "builtin",
            "--output",
            str(target),
        ],
        check=True,
    )
    spec = importlib.util.spec_from_file_location(module_name, target)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


class Models:
    """The generated pydantic models and python-jsonschema, over one models.schema.json."""

    def __init__(self, api_dir, api, out_dir):
        self.api = api
        self.schema = json.loads((api_dir / "models.schema.json").read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(self.schema)
        self.module = generate_models(
            api_dir / "models.schema.json", out_dir, api.replace("-", "_") + "_models"
        )
        self._validators = {}

    def jsonschema_errors(self, name, value):
        if name not in self._validators:
            root = dict(self.schema)
            root["$ref"] = f"#/$defs/{name}"
            self._validators[name] = Validator(root, format_checker=FormatChecker())
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in self._validators[name].iter_errors(value)
        ]

    def pydantic_error(self, name, value):
        model = getattr(self.module, name, None)
        if model is None:
            return f"no generated model named {name}"
        try:
            TypeAdapter(model).validate_python(value)
        except ValidationError as error:
            return str(error).replace("\n", " ")
        return None

    def accepts(self, name, value, where):
        ok = True
        for error in self.jsonschema_errors(name, value):
            fail(f"{where}: python-jsonschema refuses it as {name}: {error}")
            ok = False
        error = self.pydantic_error(name, value)
        if error:
            fail(f"{where}: the pydantic model {name} refuses it: {error}")
            ok = False
        return ok

    def refuses(self, name, value, where):
        if not self.jsonschema_errors(name, value):
            fail(f"{where}: python-jsonschema accepts it as {name}")
        if self.pydantic_error(name, value) is None:
            fail(f"{where}: the pydantic model {name} accepts it")


def check_examples(api_dir, api, models):
    examples = json.loads((api_dir / "examples.json").read_text(encoding="utf-8"))["examples"]
    accepted = 0
    refused = 0
    rules = 0
    defs = models.schema["$defs"]
    for example in examples:
        name, value, at = example["schema"], example["value"], example["at"]
        where = f"{api} example {at}"
        if models.accepts(name, value, where):
            accepted += 1
        schema = defs.get(name, {})
        if not (name.endswith("Param") and isinstance(value, dict)):
            continue
        # The strictness of what is sent survives: an unknown field, an over-long string.
        if schema.get("additionalProperties") is False:
            models.refuses(name, {**value, "unexpectedField": 1}, f"{where} + unknown field")
            refused += 1
        # The conditional x-rules, exported as allOf if/then, hold in python-jsonschema: leaving
        # out a property a rule requires for this example is refused (pydantic has no if/then).
        for rule in schema.get("allOf", []):
            condition = rule.get("if")
            then = rule.get("then", {}) if condition is not None else rule
            if condition is not None and not Validator(condition).is_valid(value):
                continue
            for field in then.get("required", []):
                if field in value and field not in schema.get("required", []):
                    without = {k: v for k, v in value.items() if k != field}
                    if not models.jsonschema_errors(name, without):
                        fail(f"{where} without {field}: python-jsonschema accepts it")
                    rules += 1
        for field, prop in schema.get("properties", {}).items():
            limit = prop.get("maxLength")
            if isinstance(limit, int) and isinstance(value.get(field), str):
                longer = {**value, field: "9" * (limit + 1)}
                models.refuses(name, longer, f"{where} with {field} longer than {limit}")
                refused += 1
    print(
        f"ok   {api}: {accepted}/{len(examples)} documented examples accepted by the pydantic "
        f"models and python-jsonschema; {refused} invalid variants and {rules} x-rules checked"
    )


def check_wire_envelopes(api_dir, api, models):
    wire = json.loads((api_dir / "openapi-wire.json").read_text(encoding="utf-8"))
    checked = 0
    operations = []
    for group in ("paths", "webhooks"):
        for path, item in wire.get(group, {}).items():
            for method, op in item.items():
                if isinstance(op, dict) and "requestBody" in op:
                    operations.append((f"{group} {path} {method}", op))
    for where, op in operations:
        media = op["requestBody"].get("content", {}).get("application/json", {})
        param = media.get("schema", {}).get("properties", {}).get("param", {})
        ref = param.get("contentSchema", {}).get("$ref", "")
        example = media.get("example")
        if not ref or not isinstance(example, dict):
            continue
        name = ref.rsplit("/", 1)[-1]
        try:
            content = json.loads(example["param"])
        except (KeyError, TypeError, json.JSONDecodeError) as error:
            fail(f"{api} wire {where}: param is not JSON text: {error}")
            continue
        if models.accepts(name, content, f"{api} wire {where} param"):
            checked += 1
    if checked:
        print(f"ok   {api}: {checked} wire envelope examples carry a valid param")


def check_sgate_vector():
    signature_object = {
        "api_key": "xxxxxxxxxxxxxx",
        "timestamp": 1686647706,
        "nonce_str": "TIj5tZ3gM6FbprYlKNR2",
        "url": "/openApi/v1/payee/custom/list",
        "method": "GET",
        "body": "",
    }
    text = json.dumps(signature_object, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.md5(text.encode("utf-8")).hexdigest()
    if digest != "8a5908e27626d79d73dc14bd9ba00e72":
        fail(f"SGATE test vector: MD5 {digest}")
    else:
        print("ok   SGATE signing test vector: MD5 8a5908e27626d79d73dc14bd9ba00e72")


def check_payin_vectors(schema_dir):
    """Each SGATE Payin test vector: the six pairs, each value encoded as JavaScript's
    encodeURIComponent (quote with `-_.!~*'()` kept), sorted and joined by `&`, signed with
    HMAC-SHA256 under the secret, Base64."""
    spec = json.loads((schema_dir / "sgate-payin" / "openapi.json").read_text())
    vectors = spec["info"]["x-signing"]["test-vectors"]
    if not vectors:
        fail("SGATE Payin: no test vectors")
    kept = "-_.!~*'()"
    for vector in vectors:
        pairs = sorted(
            f"{key}={quote(str(vector[key]), safe=kept)}"
            for key in ["uri", "key", "timestamp", "signMethod", "signVersion", "method"]
        )
        text = "&".join(pairs)
        mac = hmac.new(vector["secret"].encode(), text.encode(), hashlib.sha256).digest()
        signature = base64.b64encode(mac).decode()
        if text != vector["string-to-sign"] or signature != vector["signature"]:
            fail(f"SGATE Payin test vector {vector['method']}: {text} gives {signature}")
        else:
            print(f"ok   SGATE Payin signing test vector {vector['method']}: {signature}")


def main():
    if len(sys.argv) != 2:
        print("usage: cross_language.py SCHEMA_DIR", file=sys.stderr)
        return 2
    schema_dir = Path(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = Path(tmp)
        for api in APIS:
            api_dir = schema_dir / api
            check_documents(api_dir, api)
            models = Models(api_dir, api, out_dir)
            check_examples(api_dir, api, models)
            check_wire_envelopes(api_dir, api, models)
    check_sgate_vector()
    check_payin_vectors(schema_dir)
    if failures:
        print(f"\n{len(failures)} failure(s)")
        return 1
    print("\ncross-language proof: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
