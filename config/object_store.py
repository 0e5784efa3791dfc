"""The STORAGES entry of an S3-compatible object store (config/settings.py, when S3_BUCKET is set; the object-store
tests point it at a server of their own)."""


def s3_storage(*, bucket: str, endpoint_url: str | None = None, region: str = "us-east-1", access_key: str | None = None,
               secret_key: str | None = None, addressing_style: str = "", encryption: str = "") -> dict:
    """The STORAGES entry of a private bucket of an S3-compatible store (below from the environment; tests point it
    at a server of their own)."""
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,  # None: Amazon S3 itself
            "region_name": region,
            # None: boto3's own chain (AWS_* variables, an instance role).
            "access_key": access_key,
            "secret_key": secret_key,
            "client_config": Config(
                # MinIO and most other stores address buckets by path (http://minio:9000/bucket/key).
                s3={"addressing_style": addressing_style or ("path" if endpoint_url else "virtual")},
                signature_version="s3v4",
                # A store that does not answer fails the request in seconds, not after boto3's default minute.
                connect_timeout=5,
                read_timeout=30,
                retries={"mode": "standard", "max_attempts": 3},
            ),
            # Private: no ACL header, so every object is its owner's alone, and no signed URLs. A file reaches a user
            # only through the portal's permission-checked views, which stream it; url() gives an unsigned address
            # the store refuses.
            "default_acl": None,
            "querystring_auth": False,
            # As on the local disk: a name already taken gets another, nothing is replaced unasked.
            "file_overwrite": False,
            # "AES256" or "aws:kms": the store encrypts every object at rest (MinIO needs a KMS key configured for it).
            "object_parameters": {"ServerSideEncryption": encryption} if encryption else {},
            # A file read from the store is held in memory up to this size, then in a temporary file.
            "max_memory_size": 8 * 1024 * 1024,
        },
    }
