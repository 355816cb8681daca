"""KOL Case Studies: a completed partnership's results told back (issue 12, "results flow back
as case studies"): ``build.py`` makes and refreshes one from its partnership, ``privacy.py``
keeps personal data off the public page, ``website.py`` is what the website shows."""
