# syntax=docker/dockerfile:1

# Dcgan.Worker image that trains and samples on an NVIDIA GPU.
#
# Build from the repository root, which is the build context:
#   docker build -f infra/docker/worker-gpu.Dockerfile -t dcgan-worker-gpu .
#
# The restore pulls TorchSharp-cuda-linux from nuget.org: libtorch 2.10 built for CUDA 12.8,
# several GB split over many packages. The host needs an NVIDIA driver for CUDA 12.8 (release
# 570 or newer) and the NVIDIA Container Toolkit.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TORCH_BACKEND=cuda
WORKDIR /src

# Same steps as worker.Dockerfile: restore from the project files alone, then publish.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/Dcgan.Contracts/Dcgan.Contracts.csproj src/Dcgan.Contracts/
COPY src/Dcgan.Engine/Dcgan.Engine.csproj src/Dcgan.Engine/
COPY src/Dcgan.Worker/Dcgan.Worker.csproj src/Dcgan.Worker/
COPY src/Dcgan.Cli/Dcgan.Cli.csproj src/Dcgan.Cli/
RUN dotnet restore src/Dcgan.Worker/Dcgan.Worker.csproj \
        --runtime linux-x64 \
        -p:DcganTorchBackend="$TORCH_BACKEND"

COPY .editorconfig ./
COPY src/ src/
# The committed scoring classifier, which the worker project copies to models/ in its output.
COPY models/ models/
RUN dotnet publish src/Dcgan.Worker/Dcgan.Worker.csproj \
        --configuration Release \
        --runtime linux-x64 \
        --self-contained false \
        --no-restore \
        --output /app \
        -p:DcganTorchBackend="$TORCH_BACKEND" \
        -p:UseAppHost=false

# Source of the .NET runtime for the CUDA image below.
FROM mcr.microsoft.com/dotnet/runtime:10.0 AS dotnet-runtime

# The CUDA runtime flavour adds cuBLAS, cuFFT and the other CUDA libraries to the base flavour.
# NOTE: the libtorch CUDA packages bundle their own copies of these libraries, so the smaller
# nvidia/cuda:12.8.1-base-ubuntu24.04 may be enough. That has not been tried.
FROM nvidia/cuda:12.8.1-runtime-ubuntu24.04 AS runtime

# The .NET runtime is copied from Microsoft's runtime image, not installed with the dotnet-install
# script or an apt package such as dotnet-runtime-10.0. Both images are Ubuntu 24.04, so the
# binaries match this system. The copy downloads nothing at build time beyond the image, needs no
# extra package source, and gives the same runtime as worker.Dockerfile.
# The apt packages are the .NET runtime dependencies that the CUDA image may lack: TLS for the
# RabbitMQ and Blob Storage connections (libssl3t64, ca-certificates) and time zone data (tzdata).
# libc6, libgcc-s1, libstdc++6 and zlib1g are part of every Ubuntu image. ICU is not needed
# because Directory.Build.props sets InvariantGlobalization.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates \
        libssl3t64 \
        tzdata \
    && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet-runtime /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet

# The same non-root user as the .NET images (UID 1654, named app), so volumes and Kubernetes
# security settings behave alike for both images.
ENV APP_UID=1654
RUN groupadd --gid "$APP_UID" app \
    && useradd --no-log-init --uid "$APP_UID" --gid app --create-home app

WORKDIR /app
COPY --from=build /app ./

# Microsoft's images set DOTNET_RUNNING_IN_CONTAINER, which .NET tools and libraries read to detect
# a container. With Dcgan__Device=cuda the worker reports an error when no GPU is visible, instead
# of silently training on the CPU.
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_gcServer=0 \
    DCGAN_DATA_DIR=/data \
    Dcgan__Device=cuda \
    Dcgan__Health__StatusFile=/tmp/dcgan-worker.health

USER $APP_UID

# Same check as worker.Dockerfile: the status file is fresh and does not report Unhealthy.
# NOTE: a Dcgan__Health__Period of 2 minutes or more fails this check, so widen -mmin with it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=3m --retries=3 \
    CMD [ -n "$(find "$Dcgan__Health__StatusFile" -mmin -2 2>/dev/null)" ] \
        && ! grep -qw Unhealthy "$Dcgan__Health__StatusFile"

ENTRYPOINT ["dotnet", "Dcgan.Worker.dll"]
