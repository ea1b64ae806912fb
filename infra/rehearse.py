"""The deploy rehearsal: what `sam deploy` would upload, started as Lambda starts it.

    infra/bin/rehearse                      (builds, starts the local endpoint, runs this)
    infra/bin/rehearse --break KIND         the same on a package broken on purpose: must fail

1. `sam validate --lint`.
2. `sam package` of the built stack (.aws-sam/build: what `sam deploy` packages) into a bucket
   on the local endpoint (moto's S3), exactly as `sam deploy` uploads it.
3. Each function's artifact downloaded from that bucket and checked: `bootstrap` at the zip's
   root, executable, an aarch64 ELF (what Lambda's provided.al2023 on arm64 starts), the zip
   under the 5 MB budget. The checker is first shown broken packages (a folder that holds a
   zip, as the old build made; a bootstrap without its executable bit; an x86-64 binary), and
   must refuse each.
4. Each bootstrap started under qemu-aarch64-static (the C library from libc6-arm64-cross),
   with the environment the template gives that function (its references resolved to what
   the rehearsal made on the local endpoint: the table, the keys' secret, the sender, the
   configuration set), against cargo lambda's Runtime API emulator (`cargo lambda watch
   --only-lambda-apis`).
5. Every `events/` fixture invoked in the README walk's order (infra/bin/walk-events), each
   answering as its name says; the scheduled function sends what is due.
6. The init time of each artifact under qemu (process start to its first `next`), for
   BENCHMARKS.md: a rehearsal figure, not a Lambda one.

Exits non-zero at the first thing that would not start or answer on AWS.
"""
import argparse
import io
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import tomllib
import zipfile

import boto3
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "infra"))
from measure_bootstrap import measure  # noqa: E402

SAM = os.path.join(ROOT, "infra", "bin", "sam")
WORK = os.path.join(ROOT, "target", "rehearsal")
BUDGET = 5_000_000
QEMU = ["qemu-aarch64-static", "-L", "/usr/aarch64-linux-gnu"]
REGION = "eu-central-1"
ACCOUNT = "123456789012"
EM_AARCH64 = 183
EM_X86_64 = 62
# The fixture each function's init is timed with: one that changes nothing.
INIT_EVENT = {
    "list-availability": "list-availability.services",
    "create-appointment": "create-appointment.challenge",
    "get-appointment": "get-appointment.found",
    "confirm-appointment": "confirm-appointment.page-wrong-token",
    "cancel-appointment": "cancel-appointment.page-wrong-token",
    "staff-api": "staff-api.me",
    "send-pending-mail": "send-pending-mail.scheduled",
}


def say(text):
    print(f"rehearsal: {text}", flush=True)


class Failed(Exception):
    pass


# ---- the template ------------------------------------------------------------------------

class CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (`!Ref X`, `!Sub …`) read as their long forms."""


def _short_tag(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _short_tag)


def load_template(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=CfnLoader)


NO_VALUE = object()


class Resolver:
    """Resolves what the template gives a function's environment: parameters (their defaults,
    then the staging environment's overrides in samconfig.toml), conditions, and the
    resources the rehearsal stands in for. Anything else is an error: a reference it cannot
    resolve is one a new template brought, and the rehearsal must learn it."""

    def __init__(self, template, parameters, resources):
        self.template = template
        self.parameters = parameters
        self.resources = resources

    def condition(self, name):
        return bool(self.value(self.template["Conditions"][name]))

    def value(self, v):
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if not isinstance(v, dict):
            return v
        if len(v) != 1:
            return {k: self.value(x) for k, x in v.items()}
        (key, arg), = v.items()
        if key == "Ref":
            return self.ref(arg)
        if key == "Condition":
            return self.condition(arg)
        if key == "Fn::If":
            name, yes, no = arg
            return self.value(yes if self.condition(name) else no)
        if key == "Fn::Equals":
            a, b = (self.value(x) for x in arg)
            return a == b
        if key == "Fn::Not":
            return not self.value(arg[0])
        if key == "Fn::And":
            return all(self.value(x) for x in arg)
        if key == "Fn::Or":
            return any(self.value(x) for x in arg)
        if key == "Fn::Sub":
            text = arg if isinstance(arg, str) else arg[0]
            out, i = "", 0
            while (j := text.find("${", i)) >= 0:
                k = text.index("}", j)
                out += text[i:j] + str(self.ref(text[j + 2:k]))
                i = k + 1
            return out + text[i:]
        raise Failed(f"the rehearsal cannot resolve {key} in a function's environment: {arg!r}")

    def ref(self, name):
        pseudo = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws",
                  "AWS::StackName": "rehearsal", "AWS::NoValue": NO_VALUE}
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.resources:
            return self.resources[name]
        raise Failed(f"a function's environment refers to {name}, which the rehearsal does not "
                     "stand in for (infra/rehearse.py, the resources it makes)")


def parameters(template):
    """Each parameter's default, then the staging environment's overrides."""
    values = {k: str(p.get("Default", "")) for k, p in template.get("Parameters", {}).items()}
    with open(os.path.join(ROOT, "samconfig.toml"), "rb") as f:
        config = tomllib.load(f)
    overrides = config.get("staging", {}).get("deploy", {}).get("parameters", {}).get("parameter_overrides", "")
    for item in _split_overrides(overrides):
        k, v = item.split("=", 1)
        values[k] = v.strip('"')
    return values


def _split_overrides(text):
    out, cur, quoted = [], "", False
    for c in text:
        if c == '"':
            quoted = not quoted
        if c == " " and not quoted:
            if cur:
                out.append(cur)
            cur = ""
        else:
            cur += c
    if cur:
        out.append(cur)
    return out


def functions(template):
    """Each function resource: (logical id, crate name, its properties)."""
    for logical, r in template["Resources"].items():
        if r.get("Type") == "AWS::Serverless::Function":
            binary = r.get("Metadata", {}).get("BuildProperties", {}).get("Binary")
            yield logical, binary, r["Properties"]


def environment(template, props, resolver):
    """The variables Lambda gives this function: the template's (Globals, then its own)."""
    merged = {}
    merged.update(template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {}))
    merged.update(props.get("Environment", {}).get("Variables", {}))
    env = {}
    for k, v in merged.items():
        value = resolver.value(v)
        if value is not NO_VALUE:
            env[k] = str(value)
    return env


# ---- the artifacts ------------------------------------------------------------------------

def check_artifact(name, data):
    """What is wrong with one function's package (bytes of the zip), as Lambda would find it;
    empty when it would start. Returns (problems, bootstrap bytes or None)."""
    problems = []
    if len(data) >= BUDGET:
        problems.append(f"{len(data):,} bytes: over the 5 MB budget")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return [f"{name}: not a zip"], None
    names = archive.namelist()
    if "bootstrap" not in names:
        return problems + [f"no `bootstrap` at the package's root (it holds {names}): "
                           "provided.al2023 would fail at init"], None
    info = archive.getinfo("bootstrap")
    mode = (info.external_attr >> 16) & 0o777
    if not mode & 0o111:
        problems.append(f"`bootstrap` is not executable (mode {mode:o})")
    binary = archive.read("bootstrap")
    if binary[:4] != b"\x7fELF":
        problems.append("`bootstrap` is not an ELF executable")
    else:
        if binary[4] != 2 or binary[5] != 1:
            problems.append("`bootstrap` is not a 64-bit little-endian ELF")
        machine = int.from_bytes(binary[18:20], "little")
        if machine != EM_AARCH64:
            problems.append(f"`bootstrap` is for machine {machine} ({'x86-64' if machine == EM_X86_64 else 'not arm64'}),"
                            " not aarch64 (the template's arm64)")
    return problems, binary


def check_build(build):
    """What is wrong with the built stack `sam deploy` would package (`build`: .aws-sam/build):
    nothing built, sources changed since, or a function whose folder would not start. Each
    folder is zipped in memory as `sam package` zips it and given to `check_artifact`."""
    built = os.path.join(build, "template.yaml")
    if not os.path.exists(built):
        return ["nothing built: run infra/bin/sam build first"]
    built_at = os.path.getmtime(built)
    changed = []
    for top in ("Cargo.toml", "Cargo.lock", "template.yaml", "functions", "shared"):
        path = os.path.join(ROOT, top)
        walk = [(path, [], [""])] if os.path.isfile(path) else os.walk(path)
        for folder, dirs, files in walk:
            dirs[:] = [d for d in dirs if d not in ("target", "tests", "benches")]
            for f in files:
                full = os.path.join(folder, f) if f else folder
                if full.endswith((".rs", ".toml", ".lock", ".yaml")) and os.path.getmtime(full) > built_at:
                    changed.append(os.path.relpath(full, ROOT))
    if changed:
        return [f"the sources changed since the last build ({', '.join(sorted(changed)[:3])}…): "
                "run infra/bin/sam build again"]
    problems = []
    for logical, name, props in functions(load_template(built)):
        folder = os.path.join(build, props["CodeUri"])
        files = {}
        for entry in sorted(os.listdir(folder)):
            full = os.path.join(folder, entry)
            if os.path.isfile(full):
                files[entry] = (open(full, "rb").read(), os.stat(full).st_mode & 0o777)
        found, _ = check_artifact(name, zip_of(files))
        problems += [f"{name}: {p}" for p in found]
    return problems


def zip_of(files):
    """A zip of {name: (bytes, mode)}."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, (data, mode) in files.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100000 | mode) << 16
            z.writestr(info, data)
    return out.getvalue()


def checker_refuses_broken_packages(s3, bucket, sample_bootstrap):
    """The checker is shown the packages that would not start, and must refuse each. The
    folder holding a zip (the old build's layout) goes through `sam package` for real."""
    folder = os.path.join(WORK, "broken", "zip-in-folder")
    shutil.rmtree(os.path.dirname(folder), ignore_errors=True)
    os.makedirs(folder)
    with open(os.path.join(folder, "bootstrap.zip"), "wb") as f:
        f.write(zip_of({"bootstrap": (sample_bootstrap, 0o755)}))
    template = os.path.join(WORK, "broken", "template.yaml")
    with open(template, "w") as f:
        yaml.safe_dump({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Transform": "AWS::Serverless-2016-10-31",
            "Resources": {"Broken": {"Type": "AWS::Serverless::Function", "Properties": {
                "Runtime": "provided.al2023", "Handler": "bootstrap", "Architectures": ["arm64"],
                "CodeUri": "zip-in-folder/"}}},
        }, f)
    packaged = os.path.join(WORK, "broken", "packaged.yaml")
    sam(["package", "--template-file", template, "--s3-bucket", bucket, "--s3-prefix", "broken",
         "--output-template-file", packaged, "--region", REGION])
    uri = load_template(packaged)["Resources"]["Broken"]["Properties"]["CodeUri"]
    cases = {
        "a folder holding bootstrap.zip, packaged by sam": download(s3, uri),
        "a bootstrap without its executable bit": zip_of({"bootstrap": (sample_bootstrap, 0o644)}),
        "an x86-64 bootstrap": zip_of({"bootstrap": (x86_64_elf(), 0o755)}),
    }
    for case, data in cases.items():
        problems, _ = check_artifact(case, data)
        if not problems:
            raise Failed(f"the checker let {case} through")
        say(f"  refused, as it must: {case}: {problems[0]}")


def x86_64_elf():
    """This machine's own `true`: an x86-64 ELF (or a made-up header where it is not one)."""
    path = shutil.which("true")
    data = open(path, "rb").read() if path else b""
    if data[:4] != b"\x7fELF":
        data = b"\x7fELF\x02\x01\x01" + b"\0" * 11 + EM_X86_64.to_bytes(2, "little") + b"\0" * 44
    return data


def download(s3, uri):
    assert uri.startswith("s3://"), uri
    bucket, key = uri[5:].split("/", 1)
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


# ---- processes ----------------------------------------------------------------------------

def sam(args):
    """The pinned SAM CLI against the local endpoint; its output shown only when it fails."""
    run = subprocess.run([SAM, *args], cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        raise Failed(f"sam {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}")
    return run.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds, process):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failed(f"cargo lambda watch exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise Failed(f"cargo lambda watch did not listen on {port} within {seconds} s")


def stop(process):
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def lambda_env(name, props, variables, endpoint):
    """What Lambda's environment holds for this function, and the template's variables; the
    local endpoint stands for AWS's (AWS_ENDPOINT_URL), and the fixtures' clock is pinned
    (RANTEVOU_NOW: the one variable that is the rehearsal's, never set in AWS)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_SESSION_TOKEN": "test",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(props.get("MemorySize", 128)),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "_HANDLER": "bootstrap",
        "LAMBDA_TASK_ROOT": os.path.join(WORK, name),
        "RUST_LOG": os.environ.get("REHEARSAL_LOG", "warn"),
        "RANTEVOU_NOW": "2026-11-28T10:00:00Z",
    }
    env.update(variables)
    return env


# ---- the rehearsal ------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--break", dest="broken", choices=["zip-in-folder", "not-executable", "x86-64"],
                        help="break the built package this way first (to see the rehearsal fail)")
    parser.add_argument("--init-runs", type=int, default=5)
    parser.add_argument("--compare-with", metavar="DIR",
                        help="also time the init of DIR/<function>/bootstrap(.zip), another build's, "
                             "with the same environment (BENCHMARKS.md's before and after)")
    args = parser.parse_args()
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    built = os.path.join(ROOT, ".aws-sam", "build")
    if not os.path.exists(os.path.join(built, "template.yaml")):
        raise Failed("nothing built: run infra/bin/sam build first")
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)

    say("sam validate --lint")
    sam(["validate", "--lint", "--template-file", "template.yaml"])

    template = load_template(os.path.join(ROOT, "template.yaml"))
    if args.broken:
        # A copy is broken, never the build itself (a deploy would take it up).
        copy = os.path.join(WORK, "build")
        shutil.copytree(built, copy, symlinks=True)
        built = copy
        say(f"breaking a copy of the built package on purpose: {args.broken}")
        break_package(built, load_template(os.path.join(built, "template.yaml")), args.broken)

    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)
    bucket = f"rehearsal-{os.getpid()}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    packaged_path = os.path.join(WORK, "packaged.yaml")
    say(f"sam package into s3://{bucket} on {endpoint} (what sam deploy uploads)")
    sam(["package", "--template-file", os.path.join(built, "template.yaml"), "--s3-bucket", bucket,
         "--s3-prefix", "rantevou", "--region", REGION, "--output-template-file", packaged_path])
    packaged = load_template(packaged_path)

    say("each function's artifact, from the bucket")
    artifacts, sizes = {}, {}
    problems_found = []
    for logical, name, props in functions(packaged):
        data = download(s3, props["CodeUri"])
        problems, binary = check_artifact(name, data)
        sizes[name] = len(data)
        if problems:
            problems_found += [f"{name} ({props['CodeUri']}): {p}" for p in problems]
            continue
        folder = os.path.join(WORK, name)
        os.makedirs(folder)
        path = os.path.join(folder, "bootstrap")
        with open(path, "wb") as f:
            f.write(binary)
        os.chmod(path, 0o755)
        artifacts[name] = (logical, path)
        say(f"  {name:20} {len(data):>9,} bytes, bootstrap an executable aarch64 ELF")
    if problems_found:
        raise Failed("the package would not start on Lambda:\n  " + "\n  ".join(problems_found))
    expected = {name for _, name, _ in functions(template)}
    if set(artifacts) != expected:
        raise Failed(f"packaged functions {sorted(artifacts)} are not the template's {sorted(expected)}")

    say("the checker, shown broken packages")
    checker_refuses_broken_packages(s3, bucket, open(next(iter(artifacts.values()))[1], "rb").read())

    # What the stack would make, made on the local endpoint: the table, the keys' secret,
    # the sender's identity (infra/bin/seed-events: the walk's seed), the configuration set.
    say("the stack's table, secret, sender and configuration set, on the local endpoint")
    table = f"rehearsal-{os.getpid()}"
    seeded = subprocess.run([os.path.join(ROOT, "infra", "bin", "seed-events"), table], cwd=ROOT,
                            capture_output=True, text=True)
    if seeded.returncode != 0:
        raise Failed(f"seed-events failed: {seeded.stderr}")
    seed = dict(line.split("=", 1) for line in seeded.stdout.split())
    sesv2 = boto3.client("sesv2", endpoint_url=endpoint, region_name=REGION)
    config_set = "rehearsal-mail"
    sesv2.create_configuration_set(ConfigurationSetName=config_set)
    # The header CloudFront adds to every request for the API, from the stack's secret.
    origin_value = f"rehearsal-origin-{os.getpid()}-0123456789abcdefghijklmnop"
    secrets = boto3.client("secretsmanager", endpoint_url=endpoint, region_name=REGION)
    origin_arn = secrets.create_secret(Name=f"rehearsal-origin-{os.getpid()}", SecretString=origin_value)["ARN"]
    resolver = Resolver(template, parameters(template), {
        "Table": seed["RANTEVOU_TABLE"],
        "ManageKeys": seed["RANTEVOU_KEYS_SECRET"],
        "MailConfigurationSet": config_set,
        "OriginSecret": origin_arn,
    })
    if resolver.parameters.get("SenderAddress") != seed["RANTEVOU_SENDER"]:
        sesv2.create_email_identity(EmailIdentity=resolver.parameters["SenderAddress"])

    port = free_port()
    watch = subprocess.Popen(["cargo", "lambda", "watch", "--only-lambda-apis", "-A", "127.0.0.1", "-P", str(port)],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    started = []
    try:
        wait_for_port(port, 120, watch)
        envs = {}
        for logical, name, props in functions(template):
            variables = environment(template, props, resolver)
            env = lambda_env(name, props, variables, endpoint)
            env["AWS_LAMBDA_RUNTIME_API"] = f"http://127.0.0.1:{port}/.rt/{name}"
            envs[name] = env
            shown = ", ".join(f"{k}={v}" for k, v in sorted(variables.items()))
            say(f"  start {name} under qemu: {shown}")
            log = open(os.path.join(WORK, f"{name}.log"), "w")
            started.append(subprocess.Popen([*QEMU, artifacts[name][1]], env=env, stdout=log, stderr=log,
                                            start_new_session=True))
        say("a request that skips CloudFront (no X-Origin-Verify) is refused")
        bypass = subprocess.run(["cargo", "lambda", "invoke", "list-availability", "--data-file",
                                 "events/list-availability.services.json", "--invoke-address", "127.0.0.1",
                                 "--invoke-port", str(port)], cwd=ROOT, capture_output=True, text=True)
        status = json.loads(bypass.stdout or "{}").get("statusCode")
        if status != 403:
            raise Failed(f"a request without CloudFront's header answered {status}, not 403: {bypass.stdout}{bypass.stderr}")
        say("  403, as it must")
        say(f"every events/ fixture, in the walk's order, with CloudFront's header (infra/bin/walk-events --port {port})")
        walk = subprocess.run([os.path.join(ROOT, "infra", "bin", "walk-events"), "--port", str(port),
                               "--header", f"X-Origin-Verify={origin_value}"], cwd=ROOT)
        for p, (_, name, _) in zip(started, functions(template)):
            if p.poll() is not None:
                raise Failed(f"{name} exited with {p.returncode} (target/rehearsal/{name}.log)")
        if walk.returncode != 0:
            raise Failed("the walk failed (above; the functions' logs in target/rehearsal/)")
    finally:
        for p in started:
            stop(p)
        stop(watch)

    publish_rehearsed(endpoint)

    say(f"init under qemu, median of {args.init_runs} starts each (a rehearsal figure, not Lambda's)")
    builds = [("this build", {n: (p, sizes[n]) for n, (_, p) in artifacts.items()})]
    if args.compare_with:
        builds.append((args.compare_with, other_build(args.compare_with, artifacts)))
    print("\n| build | function | package (zip) | init under qemu, median | range | first answer |")
    print("|---|---|---:|---:|---:|---|")
    # Alternately, so that the machine's drift touches both builds alike.
    for name in sorted(artifacts):
        event = json.load(open(os.path.join(ROOT, "events", INIT_EVENT[name] + ".json")))
        if isinstance(event.get("headers"), dict):
            event["headers"]["x-origin-verify"] = origin_value
        event = json.dumps(event).encode()
        env = dict(envs[name])
        env.pop("AWS_LAMBDA_RUNTIME_API")
        inits = {label: [] for label, _ in builds}
        answers = {}
        for _ in range(args.init_runs):
            for label, files in builds:
                result = measure([*QEMU, files[name][0]], env, event, count=1, timeout=120)
                inits[label].append(result["init_ms"])
                answers[label] = result["answers"][0] if result["answers"] else None
        for label, files in builds:
            v = inits[label]
            answer = answers[label]
            shown = answer if isinstance(answer, int) else "report" if isinstance(answer, dict) else answer
            print(f"| {label} | {name} | {files[name][1]:,} B | {statistics.median(v):.0f} ms | "
                  f"{min(v):.0f}–{max(v):.0f} ms | {shown} |", flush=True)
    say("passed: every function's package starts and answers as its fixtures say")


def publish_rehearsed(endpoint):
    """The site published as infra/bin/publish-site publishes it, into a bucket and a
    distribution on the local endpoint: every file with its type, the console's sign-in from
    the stack, a stale file removed, the cache invalidated."""
    from publish_site import publish
    say("the site published and CloudFront's copies invalidated (infra/bin/publish-site)")
    session = boto3.session.Session(region_name=REGION)
    s3 = session.client("s3", endpoint_url=endpoint)
    bucket = f"rehearsal-site-{os.getpid()}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket=bucket, Key="old-page.html", Body=b"gone")
    cloudfront = session.client("cloudfront", endpoint_url=endpoint)
    distribution = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": f"rehearsal-{os.getpid()}", "Comment": "rehearsal", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": f"{bucket}.s3.amazonaws.com",
                                               "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
    })["Distribution"]["Id"]
    console = '{"signin":"cognito","domain":"https://rehearsal.auth.eu-central-1.amazoncognito.com","client_id":"x"}'

    class Local:
        """A session whose clients talk to the local endpoint."""
        def client(self, name):
            return session.client(name, endpoint_url=endpoint)

    uploaded, stale, invalidation = publish(Local(), bucket, distribution, console,
                                            os.path.join(ROOT, "site"), wait=False)
    head = s3.head_object(Bucket=bucket, Key="index.html")
    if not head["ContentType"].startswith("text/html") or head["CacheControl"] != "no-cache":
        raise Failed(f"index.html uploaded as {head['ContentType']}, {head['CacheControl']}")
    script = s3.head_object(Bucket=bucket, Key="js/app.js")
    if not script["ContentType"].startswith("text/javascript"):
        raise Failed(f"js/app.js uploaded as {script['ContentType']}")
    config = s3.get_object(Bucket=bucket, Key="staff/config.json")["Body"].read().decode()
    if config != console:
        raise Failed(f"staff/config.json is {config!r}, not the stack's sign-in")
    if stale != ["old-page.html"]:
        raise Failed(f"stale files removed: {stale}")
    paths = cloudfront.get_invalidation(DistributionId=distribution, Id=invalidation)["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]
    if paths != ["/*"]:
        raise Failed(f"invalidated {paths}")
    say(f"  {len(uploaded)} files, 1 stale removed, /* invalidated")


def other_build(folder, artifacts):
    """Another build's bootstraps for the same functions: {name: (path, zip size)}."""
    out = {}
    for name in artifacts:
        zipped = os.path.join(folder, name, "bootstrap.zip")
        plain = os.path.join(folder, name, "bootstrap")
        if os.path.exists(zipped):
            data = open(zipped, "rb").read()
            _, binary = check_artifact(name, data)
            path = os.path.join(WORK, "compare", name, "bootstrap")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(binary)
            os.chmod(path, 0o755)
            out[name] = (path, len(data))
        else:
            data = open(plain, "rb").read()
            out[name] = (plain, len(zip_of({"bootstrap": (data, 0o755)})))
    return out


def break_package(built, built_template, kind):
    """Breaks the first function of the built package as `kind` says."""
    logical = next(k for k, r in built_template["Resources"].items() if r.get("Type") == "AWS::Serverless::Function")
    folder = os.path.join(built, built_template["Resources"][logical]["Properties"]["CodeUri"])
    path = os.path.join(folder, "bootstrap")
    data = open(path, "rb").read()
    if kind == "zip-in-folder":
        with open(os.path.join(folder, "bootstrap.zip"), "wb") as f:
            f.write(zip_of({"bootstrap": (data, 0o755)}))
        os.remove(path)
    elif kind == "not-executable":
        os.chmod(path, 0o644)
    elif kind == "x86-64":
        with open(path, "wb") as f:
            f.write(x86_64_elf())


if __name__ == "__main__":
    if sys.argv[1:2] == ["--check-build"]:
        found = check_build(os.path.join(ROOT, ".aws-sam", "build"))
        for problem in found:
            print(f"infra/bin/sam: {problem}", file=sys.stderr)
        sys.exit(1 if found else 0)
    try:
        main()
    except Failed as e:
        print(f"rehearsal FAILED: {e}", file=sys.stderr)
        sys.exit(1)
