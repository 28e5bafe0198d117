"""Model exchange: a PyTorch state_dict saved with safetensors into an HXNetwork model file
and back, and damaged files."""

import struct
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

import hxsim
import hxsim.torch as ht

TINY = Path(__file__).parent / "data" / "tiny-model.json"  # Linear(4→3) → CReLU → Linear(3→2)
PREFIXES = {"0.": "fc1.", "2.": "fc2."}


class Tiny(torch.nn.Module):
    """The tiny model as a PyTorch user writes it, with named layers."""

    def __init__(self):
        super().__init__()
        self.fc1 = ht.nn.Linear(4, 3, num_sends=2)
        self.relu = ht.nn.ConvertingReLU(shift=1)
        self.fc2 = ht.nn.Linear(3, 2, bias=False, num_sends=1)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def test_a_state_dict_goes_into_an_hxnetwork_model_and_back_bit_for_bit(tmp_path):
    torch.manual_seed(7)
    model = Tiny()
    with torch.no_grad():
        model.fc1.bias.copy_(torch.tensor([0.1, -0.7, 1e-3]))
    state = {name: value.contiguous() for name, value in model.state_dict().items()}
    save_file(state, tmp_path / "trained.safetensors")
    hxsim.import_state_dict(TINY, tmp_path / "trained.safetensors", tmp_path / "model.json",
                            prefixes=PREFIXES)
    hxsim.export_state_dict(tmp_path / "model.json", tmp_path / "back.safetensors",
                            prefixes=PREFIXES)
    back = load_file(tmp_path / "back.safetensors")
    assert set(back) == set(state)
    for name in state:
        assert back[name].dtype == torch.float32
        assert torch.equal(back[name], state[name]), name
    # The model loads back into PyTorch as it is.
    fresh = Tiny()
    fresh.load_state_dict(back)
    assert torch.equal(fresh.fc2.weight, model.fc2.weight)


def test_sequential_models_need_no_prefixes(tmp_path):
    torch.manual_seed(1)
    model = torch.nn.Sequential(ht.nn.Linear(4, 3, num_sends=2), ht.nn.ConvertingReLU(1),
                                ht.nn.Linear(3, 2, bias=False, num_sends=1))
    state = {k: v.double().contiguous() for k, v in model.state_dict().items()}  # F64 → F32
    save_file(state, tmp_path / "s.safetensors")
    hxsim.import_state_dict(TINY, tmp_path / "s.safetensors", tmp_path / "m.json")
    hxsim.export_state_dict(tmp_path / "m.json", tmp_path / "b.safetensors")
    back = load_file(tmp_path / "b.safetensors")
    for name, value in state.items():
        assert torch.equal(back[name], value.float())


def test_mismatched_state_dicts_are_refused_with_the_name(tmp_path):
    torch.manual_seed(2)
    state = {k: v.contiguous() for k, v in Tiny().state_dict().items()}
    wrong = dict(state, **{"fc2.weight": torch.zeros(3, 3)})
    save_file(wrong, tmp_path / "wrong.safetensors")
    with pytest.raises(hxsim.NetworkError, match=r"fc2\.weight.*\[3, 3\]"):
        hxsim.import_state_dict(TINY, tmp_path / "wrong.safetensors", tmp_path / "o.json",
                                prefixes=PREFIXES)
    save_file({k: v for k, v in state.items() if k != "fc1.bias"}, tmp_path / "missing.safetensors")
    with pytest.raises(hxsim.NetworkError, match="missing parameter 'fc1.bias'"):
        hxsim.import_state_dict(TINY, tmp_path / "missing.safetensors", tmp_path / "o.json",
                                prefixes=PREFIXES)
    assert not (tmp_path / "o.json").exists()


def header_file(header, data=b""):
    encoded = header.encode()
    return struct.pack("<Q", len(encoded)) + encoded + data


@pytest.mark.parametrize("content,words", [
    (b"", "truncated header length"),
    (b"\x01\x02", "truncated header length"),
    (struct.pack("<Q", 2**62) + b"{}", "exceeds the limit"),
    (struct.pack("<Q", 500) + b"{}", "truncated header"),
    (header_file('{"fc1.weight": {"dtype": "F32", "shape": [3, 4], "data_offsets": [0, 48]}}',
                 b"\0" * 20), "truncated data"),
    (header_file('{"fc1.weight": {"dtype": "Q7", "shape": [3, 4], "data_offsets": [0, 48]}}',
                 b"\0" * 48), "unsupported dtype 'Q7'"),
    (header_file('not json at all'), "not a JSON object"),
])
def test_damaged_safetensors_files_raise_file_errors(tmp_path, content, words):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(hxsim.FileFormatError) as caught:
        hxsim.import_state_dict(TINY, path, tmp_path / "o.json", prefixes=PREFIXES)
    assert words in str(caught.value) and str(path) in str(caught.value)


def test_a_truncated_state_dict_from_pytorch_is_refused_at_every_length(tmp_path):
    torch.manual_seed(3)
    save_file({k: v.contiguous() for k, v in Tiny().state_dict().items()},
              tmp_path / "good.safetensors")
    data = (tmp_path / "good.safetensors").read_bytes()
    for length in range(0, len(data), 7):
        (tmp_path / "cut.safetensors").write_bytes(data[:length])
        with pytest.raises(hxsim.FileFormatError):
            hxsim.import_state_dict(TINY, tmp_path / "cut.safetensors", tmp_path / "o.json",
                                    prefixes=PREFIXES)
