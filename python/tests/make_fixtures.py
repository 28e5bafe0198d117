"""Writes the fixtures that the Swift tests read with PyTorch's own safetensors writer:

- Tests/Fixtures/torch-state-dict.safetensors: the state_dict of a small model with hxtorch's
  MNIST structure (named `features` and `classifier` parts), plus an input `input.x` and the
  model's software-mode output `output.y` on it, computed by PyTorch.
- Tests/Fixtures/torch-dtypes.safetensors: one small tensor of each common dtype.

Run from the repository root with a virtual environment that has torch and safetensors:
    python python/tests/make_fixtures.py
The Swift tests check the files' contents, so a changed fixture fails them visibly.
"""

from pathlib import Path

import torch
from safetensors.torch import save_file

ROOT = Path(__file__).resolve().parent.parent.parent
GAIN = 0.002


class Small(torch.nn.Module):
    """Conv2d(1→2, 3×3, stride 2, no bias) → ReLU/4 → Linear(8→3, bias) → ReLU → Linear(3→2)."""

    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3, stride=2, bias=False),
                                            torch.nn.ReLU())
        self.classifier = torch.nn.Sequential(torch.nn.Linear(8, 3), torch.nn.ReLU(),
                                              torch.nn.Linear(3, 2, bias=False))


def software_forward(model, x):
    """HXNetwork's software mode: every VMM scaled by gain · numSends (numSends 1 here), the
    converting ReLU with shift 2 as min(max(v, 0) / 4, 31), the bias added in float."""
    conv, _ = model.features
    first, _, second = model.classifier
    v = GAIN * torch.nn.functional.conv2d(x, conv.weight, stride=2)
    v = torch.clamp(torch.clamp(v, min=0) / 4, max=31).flatten(1)
    v = GAIN * (v @ first.weight.t()) + first.bias
    v = torch.clamp(torch.clamp(v, min=0) / 4, max=31)
    return GAIN * (v @ second.weight.t())


def main():
    torch.manual_seed(5)
    model = Small()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(torch.round(parameter * 100))
        model.classifier[0].bias.copy_(torch.tensor([0.5, -0.25, 1.0]))
        x = torch.round(torch.rand(2, 1, 6, 6) * 31)
        y = software_forward(model, x)
    tensors = {name: value.detach().contiguous() for name, value in model.state_dict().items()}
    tensors["input.x"] = x
    tensors["output.y"] = y
    save_file(tensors, ROOT / "Tests/Fixtures/torch-state-dict.safetensors",
              metadata={"written_by": "python/tests/make_fixtures.py"})
    save_file({
        "f32": torch.tensor([1.5, -2.0, 3.25], dtype=torch.float32),
        "f64": torch.tensor([[0.1, -0.2]], dtype=torch.float64),
        "f16": torch.tensor([0.5, -65504.0, 6e-8], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -3.0e38, 0.0078125], dtype=torch.bfloat16),
        "i64": torch.tensor([-7, 2**40], dtype=torch.int64),
        "i8": torch.tensor([-128, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False]),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
    }, ROOT / "Tests/Fixtures/torch-dtypes.safetensors")


if __name__ == "__main__":
    main()
