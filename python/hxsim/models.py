"""Model exchange: a PyTorch state_dict in a safetensors file to and from an HXNetwork model
file (``ModelFile`` of the Swift library).

Names are PyTorch's for a ``torch.nn.Sequential`` of the same layers ("0.weight", "2.bias",
nested "1.0.weight"); `prefixes` maps HXNetwork prefixes to the names of a model with named
parts, e.g. ``{"0.": "features.", "2.": "classifier."}`` for hxtorch's MNIST model.
"""

from . import _library


def _prefix_text(prefixes):
    if not prefixes:
        return None
    pairs = []
    for source, target in dict(prefixes).items():
        if any(c in str(source) + str(target) for c in ",="):
            raise ValueError(f"prefix {source!r} → {target!r} may not contain ',' or '='")
        pairs.append(f"{source}={target}")
    return ",".join(pairs)


def export_state_dict(model_path, safetensors_path, prefixes=None):
    """Writes the parameters of the HXNetwork model file as a safetensors state_dict (F32)."""
    _library.call("hxsim_model_export_safetensors", _library.path(model_path, "model_path"),
                  _library.path(safetensors_path, "safetensors_path"),
                  _library.text(_prefix_text(prefixes), "prefixes"))


def import_state_dict(model_path, safetensors_path, output_model_path, prefixes=None):
    """Loads a safetensors state_dict into the model file's architecture and writes the result
    to `output_model_path`; missing, extra, misshapen or non-finite parameters raise."""
    _library.call("hxsim_model_import_safetensors", _library.path(model_path, "model_path"),
                  _library.path(safetensors_path, "safetensors_path"),
                  _library.text(_prefix_text(prefixes), "prefixes"),
                  _library.path(output_model_path, "output_model_path"))
