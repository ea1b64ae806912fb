"""Publishes the booking site and the staff console to a deployed stack, then makes
CloudFront forget its copies, so that patrons see the new pages at once (the default cache
behaviour keeps files for up to a day).

    infra/bin/publish-site --config-env staging        (the stack samconfig.toml names)
    python3 infra/publish_site.py --bucket B --distribution D --console-config JSON [--site DIR]

With --config-env it reads the stack's outputs (SiteBucketName, DistributionId and
StaffConsoleConfig, which becomes staff/config.json in the upload: the repository's own file
says how to sign in locally and is left alone). Every file of site/ is uploaded with its
content type and a cache lifetime (HTML and the console's JSON always revalidated; the rest an
hour), files the bucket holds that site/ does not are deleted, and one invalidation of `/*`
is made and waited for.
"""
import argparse
import mimetypes
import os
import sys
import time
import tomllib

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".html": "text/html",
         ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon",
         ".txt": "text/plain", ".webmanifest": "application/manifest+json"}


def content_type(name):
    ext = os.path.splitext(name)[1].lower()
    kind = TYPES.get(ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith("json") else kind


def cache_control(name):
    if name.endswith((".html", ".json")):
        return "no-cache"
    return "public, max-age=3600"


def stack_outputs(config_env):
    with open(os.path.join(ROOT, "samconfig.toml"), "rb") as f:
        params = tomllib.load(f)[config_env]["deploy"]["parameters"]
    session = boto3.session.Session(region_name=params.get("region"))
    stack = session.client("cloudformation").describe_stacks(StackName=params["stack_name"])["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    missing = [k for k in ("SiteBucketName", "DistributionId", "StaffConsoleConfig") if k not in outputs]
    if missing:
        sys.exit(f"publish-site: stack {params['stack_name']} has no {', '.join(missing)} output: deploy it first")
    return session, outputs["SiteBucketName"], outputs["DistributionId"], outputs["StaffConsoleConfig"]


def files_of(site):
    for folder, _, names in os.walk(site):
        for name in sorted(names):
            full = os.path.join(folder, name)
            yield os.path.relpath(full, site).replace(os.sep, "/"), full


def publish(session, bucket, distribution, console_config, site, wait=True):
    s3 = session.client("s3")
    uploaded = set()
    for key, path in files_of(site):
        body = console_config.encode() if key == "staff/config.json" else open(path, "rb").read()
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type(key),
                      CacheControl=cache_control(key))
        uploaded.add(key)
    if "staff/config.json" not in uploaded:
        s3.put_object(Bucket=bucket, Key="staff/config.json", Body=console_config.encode(),
                      ContentType=content_type("x.json"), CacheControl="no-cache")
        uploaded.add("staff/config.json")
    stale = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        stale += [o["Key"] for o in page.get("Contents", []) if o["Key"] not in uploaded]
    for i in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in stale[i:i + 1000]]})
    cloudfront = session.client("cloudfront")
    invalidation = cloudfront.create_invalidation(
        DistributionId=distribution,
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": f"publish-{time.time_ns()}"},
    )["Invalidation"]
    if wait:
        cloudfront.get_waiter("invalidation_completed").wait(
            DistributionId=distribution, Id=invalidation["Id"], WaiterConfig={"Delay": 10, "MaxAttempts": 60})
    print(f"publish-site: {len(uploaded)} files to s3://{bucket}, {len(stale)} removed, "
          f"CloudFront invalidation {invalidation['Id']} of /*{' done' if wait else ''}")
    return uploaded, stale, invalidation["Id"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config-env")
    parser.add_argument("--bucket")
    parser.add_argument("--distribution")
    parser.add_argument("--console-config")
    parser.add_argument("--site", default=os.path.join(ROOT, "site"))
    parser.add_argument("--no-wait", action="store_true")
    args = parser.parse_args()
    if args.config_env:
        session, bucket, distribution, console = stack_outputs(args.config_env)
    elif args.bucket and args.distribution and args.console_config:
        session = boto3.session.Session()
        bucket, distribution, console = args.bucket, args.distribution, args.console_config
    else:
        parser.error("give --config-env, or --bucket, --distribution and --console-config")
    publish(session, bucket, distribution, console, args.site, wait=not args.no_wait)


if __name__ == "__main__":
    main()
