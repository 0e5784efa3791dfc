"""The storage of static files in production: WhiteNoise's compressed manifest storage, each file's URL worked out once
per process.

Why: every page asks for the same few static URLs (the style sheets, the script, the mark), and each costs a lookup
in the manifest and several URL parses, a tenth of a millisecond; the manifest is read when the process starts and
does not change while it runs, so neither do the URLs. collectstatic's rewriting of the style sheets does not go
through `url()`, so it is unaffected.
"""

from functools import lru_cache

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Per instance (a new manifest, a new instance); bounded, although only templates and code name the files.
        self._url_once = lru_cache(maxsize=512)(super().url)

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        return self._url_once(name)
