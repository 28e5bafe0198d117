"""hxtorch's MNIST example, written as a PyTorch user writes it, with the simulated
BrainScaleS-2 chip in the loop: every convolution and linear layer runs forward on simulated
chips (HXSim's physics), backward through hxtorch's straight-through estimate.

Model (hxtorch's examples/perceptron/mnist.py): Conv2d(1 → 20, kernel 10, stride 5, padding 1,
no bias, 3 sends) → ConvertingReLU(shift 1) → Linear(500 → 128, no bias, 2 sends) →
ConvertingReLU(shift 1) → Linear(128 → 10, no bias, 3 sends), 2 FPGA cycles between events,
pixels scaled to 0…31; Adam (lr 1.0), learning rate × 0.7 per epoch, batches of 100.

    python python/examples/mnist.py --mode physics --epochs 10      # the chip in the loop
    python python/examples/mnist.py --mode software                 # the float baseline
    python python/examples/mnist.py --mode mock                     # hxtorch's mock

The data are the IDX files of MNIST (train-images-idx3-ubyte.gz or train-images.idx3-ubyte.gz, …) in --data-path (default:
$HXSIM_DATASETS/mnist or ../shared/datasets/mnist next to the repository). Progress goes to
stderr (--quiet: none); the result is printed as one line of JSON on stdout.
"""

import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

import hxsim.torch as hxtorch
import hxsim.torch.nn as hxnn

REPOSITORY = Path(__file__).resolve().parent.parent.parent


class Model(torch.nn.Module):
    """hxtorch's MNIST network: one convolution, two linear layers."""

    def __init__(self, mock=False):
        super().__init__()
        self.features = torch.nn.Sequential(
            hxnn.Conv2d(in_channels=1, out_channels=20, kernel_size=10, stride=5, padding=1,
                        bias=False, num_sends=3, wait_between_events=2, mock=mock),
            hxnn.ConvertingReLU(shift=1, mock=mock),
        )
        self.classifier = torch.nn.Sequential(
            hxnn.Linear(5 * 5 * 20, 128, bias=False, num_sends=2, wait_between_events=2,
                        mock=mock),
            hxnn.ConvertingReLU(shift=1, mock=mock),
            hxnn.Linear(128, 10, bias=False, num_sends=3, wait_between_events=2, mock=mock),
        )

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def read_idx(path):
    """An IDX file (gzip-compressed) as a numpy array, header checked against the size."""
    with gzip.open(path, "rb") as file:
        data = file.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    dimensions = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dimensions))
    offset = 4 + 4 * dimensions
    if len(data) - offset != int(np.prod(shape)):
        raise ValueError(f"{path}: shape {shape} needs {int(np.prod(shape))} bytes, "
                         f"has {len(data) - offset}")
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(shape)


def find(folder, prefix, kind):
    """The IDX file of `kind` (images-idx3, labels-idx1), named with '-' or '.' before idx."""
    for separator in ("-", "."):
        name = kind.replace("-", separator, 1)
        path = folder / f"{prefix}-{name}-ubyte.gz"
        if path.is_file():
            return path
    raise FileNotFoundError(f"{folder}: no {prefix}-{kind}-ubyte.gz (MNIST's IDX files)")


def load(folder, split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(find(folder, prefix, "images-idx3"))
    labels = read_idx(find(folder, prefix, "labels-idx1"))
    # Scaled to the chip's input range, as hxtorch's transform (ToTensor, then × 31).
    x = torch.from_numpy(images.astype(np.float32) / 255.0 * 31).unsqueeze(1)
    return torch.utils.data.TensorDataset(x, torch.from_numpy(labels.astype(np.int64)))


def subset(dataset, count, seed):
    if count is None or count >= len(dataset):
        return dataset
    order = torch.randperm(len(dataset), generator=torch.Generator().manual_seed(seed))
    return torch.utils.data.Subset(dataset, order[:count].tolist())


class Progress:
    """One line on stderr, at most twice a second: done/total, rate, ETA."""

    def __init__(self, label, total, quiet):
        self.label, self.total, self.quiet = label, total, quiet
        self.start = self.last = time.monotonic()

    def update(self, done, extra=""):
        now = time.monotonic()
        if self.quiet or (now - self.last < 0.5 and done < self.total):
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        eta = (self.total - done) / rate if rate > 0 else float("inf")
        print(f"\r{self.label}: {done}/{self.total} samples, {rate:.0f}/s, ETA {eta:.0f} s"
              f"{extra}   ", end="" if done < self.total else "\n", file=sys.stderr, flush=True)


def train(model, loader, optimizer, label, quiet):
    model.train()
    progress = Progress(label, len(loader.dataset), quiet)
    done = 0
    for data, target in loader:
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(data), target)
        loss.backward()
        optimizer.step()
        done += len(target)
        progress.update(done, f", loss {loss.item():.3f}")


def test(model, loader, label, quiet):
    model.eval()
    correct, loss = 0, 0.0
    progress = Progress(label, len(loader.dataset), quiet)
    done = 0
    with torch.no_grad():
        for data, target in loader:
            output = model(data)
            loss += torch.nn.functional.cross_entropy(output, target, reduction="sum").item()
            correct += (output.argmax(dim=1) == target).sum().item()
            done += len(target)
            progress.update(done)
    return correct / len(loader.dataset), loss / len(loader.dataset)


def main(arguments):
    torch.manual_seed(arguments.seed)
    torch.set_num_threads(max(1, arguments.torch_threads))
    data_path = Path(arguments.data_path)
    train_data = subset(load(data_path, "train"), arguments.train_samples, arguments.seed)
    test_data = subset(load(data_path, "test"), arguments.test_samples, arguments.seed + 1)
    train_loader = torch.utils.data.DataLoader(
        train_data, batch_size=arguments.batch_size, shuffle=True,
        generator=torch.Generator().manual_seed(arguments.seed))
    test_loader = torch.utils.data.DataLoader(test_data, batch_size=arguments.test_batch_size)

    started = time.monotonic()
    calibration = None if arguments.calibration == "none" else arguments.calibration
    context = hxtorch.init(mode=arguments.mode, seed=arguments.chip_seed,
                           chips=arguments.chips if arguments.mode == "physics" else 1,
                           calibration=calibration if arguments.mode == "physics" else None)
    if arguments.mode == "physics":
        # As hxtorch: gain and noise measured on the chip drive the backward pass.
        hxtorch.set_mock_parameter(hxtorch.measure_mock_parameter())
    elif arguments.mode == "mock":
        hxtorch.set_mock_parameter(hxtorch.MockParameter(gain=0.002, noise_std=2.0))
    if not arguments.quiet:
        print(f"{context}", file=sys.stderr)

    model = Model()
    optimizer = torch.optim.Adam(model.parameters(), lr=arguments.lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=arguments.gamma)
    history = []
    for epoch in range(1, arguments.epochs + 1):
        train(model, train_loader, optimizer, f"epoch {epoch} train", arguments.quiet)
        accuracy, loss = test(model, test_loader, f"epoch {epoch} test", arguments.quiet)
        scheduler.step()
        history.append({"epoch": epoch, "test_accuracy": accuracy, "test_loss": loss})
        if not arguments.quiet:
            print(f"epoch {epoch}: test accuracy {100 * accuracy:.2f} %, loss {loss:.4f}",
                  file=sys.stderr)
    if arguments.save:
        torch.save(model.state_dict(), arguments.save)
    result = {
        "mode": arguments.mode, "calibration": arguments.calibration, "chips": arguments.chips,
        "chip_seed": arguments.chip_seed, "seed": arguments.seed, "epochs": arguments.epochs,
        "train_samples": len(train_data), "test_samples": len(test_data),
        "mock_parameter": {"gain": hxtorch.get_mock_parameter().gain,
                           "noise_std": hxtorch.get_mock_parameter().noise_std},
        "test_accuracy": history[-1]["test_accuracy"] if history else None,
        "history": history, "wall_time_s": time.monotonic() - started,
    }
    hxtorch.release()
    print(json.dumps(result))
    return result


def parser():
    default_data = Path(os.environ.get("HXSIM_DATASETS", REPOSITORY.parent / "shared/datasets"))
    p = argparse.ArgumentParser(description="hxtorch's MNIST example on the simulated chip",
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--mode", choices=["physics", "mock", "software"], default="physics")
    p.add_argument("--calibration", choices=["none", "quick", "full"], default="none",
                   help="calibrate the simulated chips first (physics mode)")
    p.add_argument("--chips", type=int, default=1, help="simulated chips (physics mode)")
    p.add_argument("--chip-seed", type=int, default=1, help="seed of the first chip and noise")
    p.add_argument("--seed", type=int, default=0x5EEED, help="seed of the initialisation")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--test-batch-size", type=int, default=500)
    p.add_argument("--lr", type=float, default=1.0)
    p.add_argument("--gamma", type=float, default=0.7)
    p.add_argument("--train-samples", type=int, default=None, help="a random subset (all)")
    p.add_argument("--test-samples", type=int, default=None, help="a random subset (all)")
    p.add_argument("--data-path", default=str(default_data / "mnist"))
    p.add_argument("--torch-threads", type=int, default=1,
                   help="PyTorch's threads (the simulator uses every core itself)")
    p.add_argument("--save", default=None, help="write the trained state_dict here (.pt)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


if __name__ == "__main__":
    main(parser().parse_args())
