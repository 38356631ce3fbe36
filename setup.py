"""Builds the classifier's optional C kernel (services/classifier/engine/_grams.c).

Everything else about the package is in pyproject.toml. The extension is optional: where it
cannot be compiled, the install goes on and the classifier runs its pure-Python path.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("services.classifier.engine._grams", ["services/classifier/engine/_grams.c"],
                             optional=True, extra_compile_args=["-O2", "-ffp-contract=off"])])
