"""PyTorch reference of the C# DCGAN networks and training step in src/Dcgan.Engine.

The layer sequence, state-dict keys, initialisation, seeding and loss match DcganGenerator,
DcganDiscriminator, WeightInitializer and TrainingSession, so a generator trained here loads into the
C# generator and a timing script can run the same step on both sides. Written for torch 1.13 (Debian 12's
python3-torch); it uses nothing newer.
"""

import gzip
import struct

import torch
from torch import nn
import torch.nn.functional as F

SUPPORTED_IMAGE_SIZES = (16, 32, 64, 128)
LEAKY_SLOPE = 0.2

# Offsets added to the run seed for the noise generators, as in TrainingSession.
NOISE_SEED_OFFSET = 1
FIXED_NOISE_SEED_OFFSET = 2
EPOCH_SEED_STRIDE = 1_000_003


def upsampling_layers(image_size):
    """Return the number of stride-2 layers between a 4x4 map and an image of side image_size."""
    if image_size not in SUPPORTED_IMAGE_SIZES:
        raise ValueError(
            f"image size {image_size} is not supported: use one of {SUPPORTED_IMAGE_SIZES}")
    return image_size.bit_length() - 3


def check_channels(channels):
    if channels not in (1, 3):
        raise ValueError(f"channels {channels} is not supported: use 1 (grayscale) or 3 (RGB)")


class Generator(nn.Module):
    """DCGAN generator: z as a 1x1 map, a 4x4 transposed convolution, stride-2 transposed
    convolutions with BatchNorm and ReLU that double the side, and Tanh on the image.

    The layers sit in a Sequential named main, so the state-dict keys are main.0.weight,
    main.1.running_mean and so on, as in DcganGenerator.
    """

    def __init__(self, image_size=32, channels=1, latent_size=100, features=64):
        super().__init__()
        check_channels(channels)
        layers = upsampling_layers(image_size)
        self.latent_size = latent_size
        width = features << (layers - 1)
        modules = [
            nn.ConvTranspose2d(latent_size, width, 4, 1, 0, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(inplace=True),
        ]
        for _ in range(1, layers):
            modules += [
                nn.ConvTranspose2d(width, width // 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(width // 2),
                nn.ReLU(inplace=True),
            ]
            width //= 2
        modules += [nn.ConvTranspose2d(width, channels, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*modules)

    def forward(self, latent):
        if latent.dim() == 2:
            latent = latent.view(latent.shape[0], latent.shape[1], 1, 1)
        return self.main(latent)


class Discriminator(nn.Module):
    """DCGAN discriminator: stride-2 convolutions with LeakyReLU 0.2 and BatchNorm on every layer
    but the first, ending in a 4x4 convolution that gives one logit per image.

    It returns logits, not probabilities: the C# discriminator has no Sigmoid, and the loss is
    BCE-with-logits.
    """

    def __init__(self, image_size=32, channels=1, features=64):
        super().__init__()
        check_channels(channels)
        layers = upsampling_layers(image_size)
        width = features
        modules = [
            nn.Conv2d(channels, width, 4, 2, 1, bias=False),
            nn.LeakyReLU(LEAKY_SLOPE, inplace=True),
        ]
        for _ in range(1, layers):
            modules += [
                nn.Conv2d(width, width * 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(width * 2),
                nn.LeakyReLU(LEAKY_SLOPE, inplace=True),
            ]
            width *= 2
        modules.append(nn.Conv2d(width, 1, 4, 1, 0, bias=False))
        self.main = nn.Sequential(*modules)

    def forward(self, images):
        return self.main(images).view(-1)


@torch.no_grad()
def initialize_weights(module, std, generator):
    """Draw convolution weights from N(0, std), BatchNorm weights from N(1, std) and set BatchNorm
    biases to 0, module by module in registration order from one CPU generator.

    Like WeightInitializer, it draws with randn on that generator and scales, rather than calling
    nn.init.normal_, so the seed alone decides the weights.
    """
    for child in module.modules():
        if isinstance(child, (nn.Conv2d, nn.ConvTranspose2d)):
            _fill_normal(child.weight, 0.0, std, generator)
        elif isinstance(child, nn.BatchNorm2d):
            _fill_normal(child.weight, 1.0, std, generator)
            child.bias.zero_()


def _fill_normal(target, mean, std, generator):
    values = torch.randn(target.shape, generator=generator) * std + mean
    target.copy_(values)


class TrainingSession:
    """Both networks, both Adam optimizers and the noise generator of one run, seeded as in the C#
    TrainingSession: weights from seed, step noise from seed + 1, fixed sample noise from seed + 2.
    """

    def __init__(self, image_size=32, channels=1, latent_size=100, generator_features=64,
                 discriminator_features=64, batch_size=64, learning_rate=2e-4, beta1=0.5,
                 beta2=0.999, init_std=0.02, seed=1, sample_count=64, device="cpu"):
        self.device = torch.device(device)
        self.batch_size = batch_size
        self.latent_size = latent_size
        self.seed = seed
        self.generator = Generator(image_size, channels, latent_size, generator_features)
        self.discriminator = Discriminator(image_size, channels, discriminator_features)
        init_generator = torch.Generator().manual_seed(seed)
        initialize_weights(self.generator, init_std, init_generator)
        initialize_weights(self.discriminator, init_std, init_generator)
        self.generator.to(self.device).train()
        self.discriminator.to(self.device).train()

        betas = (beta1, beta2)
        self.generator_optimizer = torch.optim.Adam(
            self.generator.parameters(), lr=learning_rate, betas=betas, eps=1e-8)
        self.discriminator_optimizer = torch.optim.Adam(
            self.discriminator.parameters(), lr=learning_rate, betas=betas, eps=1e-8)

        self.noise_generator = torch.Generator().manual_seed(seed + NOISE_SEED_OFFSET)
        fixed_generator = torch.Generator().manual_seed(seed + FIXED_NOISE_SEED_OFFSET)
        self.fixed_noise = torch.randn(
            sample_count, latent_size, 1, 1, generator=fixed_generator).to(self.device)
        self.step = 0

    def batch_indices(self, step, data_count):
        """Return the image indices of a step: one permutation per epoch, seeded by the run seed and
        the epoch, with the last incomplete batch dropped."""
        steps_per_epoch = data_count // self.batch_size
        epoch = step // steps_per_epoch
        position = step % steps_per_epoch * self.batch_size
        epoch_generator = torch.Generator().manual_seed(self.seed * EPOCH_SEED_STRIDE + epoch)
        permutation = torch.randperm(data_count, generator=epoch_generator)
        return permutation[position:position + self.batch_size]

    def train_step(self, real_batch):
        """Run one DCGAN step on real images in [-1, 1] and return (D loss, G loss, D(x), D(G(z))).

        The discriminator learns from real images and detached generated images with
        BCE-with-logits, then the generator learns with the non-saturating loss -log D(G(z)).
        """
        batch = real_batch.shape[0]
        noise = torch.randn(
            batch, self.latent_size, 1, 1, generator=self.noise_generator).to(self.device)
        real_targets = torch.ones(batch, device=self.device)
        fake_targets = torch.zeros(batch, device=self.device)

        self.discriminator_optimizer.zero_grad()
        real_logits = self.discriminator(real_batch)
        real_loss = F.binary_cross_entropy_with_logits(real_logits, real_targets)
        generated = self.generator(noise)
        fake_logits = self.discriminator(generated.detach())
        fake_loss = F.binary_cross_entropy_with_logits(fake_logits, fake_targets)
        discriminator_loss = real_loss + fake_loss
        discriminator_loss.backward()
        self.discriminator_optimizer.step()

        self.generator_optimizer.zero_grad()
        generator_logits = self.discriminator(generated)
        generator_loss = F.binary_cross_entropy_with_logits(generator_logits, real_targets)
        generator_loss.backward()
        self.generator_optimizer.step()

        self.step += 1
        return (discriminator_loss.item(), generator_loss.item(),
                real_logits.detach().sigmoid().mean().item(),
                fake_logits.detach().sigmoid().mean().item())

    @torch.no_grad()
    def sample(self, noise):
        """Generate images from noise with the generator in eval mode, as floats in [-1, 1]."""
        was_training = self.generator.training
        self.generator.eval()
        try:
            return self.generator(noise.to(self.device)).cpu()
        finally:
            self.generator.train(was_training)


def read_idx_images(path):
    """Read a gzip IDX file of 8-bit images (magic 0x00000803) as a uint8 tensor N x 1 x H x W."""
    with gzip.open(path, "rb") as file:
        magic, count, height, width = struct.unpack(">IIII", file.read(16))
        if magic != 0x803:
            raise ValueError(f"{path}: IDX magic {magic:#x} is not 0x803 (unsigned byte images)")
        pixels = file.read(count * height * width)
    if len(pixels) != count * height * width:
        raise ValueError(f"{path}: expected {count * height * width} pixel bytes, found {len(pixels)}")
    return torch.frombuffer(bytearray(pixels), dtype=torch.uint8).view(count, 1, height, width)


def to_training_images(images, image_size, channels):
    """Convert uint8 images N x C x H x W to floats in [-1, 1] at image_size and channels, as
    TrainingData does. Images up to a quarter smaller are centred on a black border, and others are
    resized bilinearly. Grayscale is repeated to RGB, and RGB is reduced to BT.601 luma."""
    batch = images.float()
    if batch.shape[1] == 1 and channels == 3:
        batch = batch.expand(-1, 3, -1, -1)
    elif batch.shape[1] == 3 and channels == 1:
        luma = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)
        batch = (batch * luma).sum(1, keepdim=True)
    height, width = batch.shape[2], batch.shape[3]
    if (height, width) != (image_size, image_size):
        pad_only = (height <= image_size and width <= image_size
                    and height * 4 >= image_size * 3 and width * 4 >= image_size * 3)
        if pad_only:
            top = (image_size - height) // 2
            left = (image_size - width) // 2
            batch = F.pad(batch, (left, image_size - width - left, top, image_size - height - top))
        else:
            shrinking = height > image_size or width > image_size
            batch = F.interpolate(batch, size=(image_size, image_size), mode="bilinear",
                                  align_corners=False, antialias=shrinking)
    batch = batch.round().clamp(0, 255)
    return batch * (2.0 / 255.0) - 1.0
