# syntax=docker/dockerfile:1

# Dcgan.Worker image that trains and samples on the CPU.
#
# Build from the repository root, which is the build context:
#   docker build -f infra/docker/worker.Dockerfile -t dcgan-worker .
#
# TORCH_BACKEND sets the MSBuild property DcganTorchBackend (Directory.Build.props), which picks
# the libtorch native package: "cpu" (libtorch for linux-x64 only) or "cpu-all". The CUDA build
# has its own file, worker-gpu.Dockerfile, because it needs a CUDA base image.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TORCH_BACKEND=cpu
WORKDIR /src

# Restore from the project files alone, so the restore layer (about 500 MB of libtorch) is reused
# until a project file or a package version changes. The Cli project is copied too, so a new
# reference between the src projects needs no change here.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/Dcgan.Contracts/Dcgan.Contracts.csproj src/Dcgan.Contracts/
COPY src/Dcgan.Engine/Dcgan.Engine.csproj src/Dcgan.Engine/
COPY src/Dcgan.Worker/Dcgan.Worker.csproj src/Dcgan.Worker/
COPY src/Dcgan.Cli/Dcgan.Cli.csproj src/Dcgan.Cli/
RUN dotnet restore src/Dcgan.Worker/Dcgan.Worker.csproj \
        --runtime linux-x64 \
        -p:DcganTorchBackend="$TORCH_BACKEND"

# .editorconfig sets analyzer severities, and warnings are errors, so the image build must see it.
COPY .editorconfig ./
COPY src/ src/

# The committed scoring classifier, which the worker project copies to models/ in its output.
COPY models/ models/

# --runtime linux-x64 publishes only the Linux x64 native libraries (SkiaSharp ships about 15
# platforms), and --self-contained false keeps the shared .NET runtime of the base image.
RUN dotnet publish src/Dcgan.Worker/Dcgan.Worker.csproj \
        --configuration Release \
        --runtime linux-x64 \
        --self-contained false \
        --no-restore \
        --output /app \
        -p:DcganTorchBackend="$TORCH_BACKEND" \
        -p:UseAppHost=false

# The .NET 10 runtime images are Ubuntu 24.04 based. Their libstdc++ has GLIBCXX_3.4.32, so the
# TorchSharp patch in Directory.Build.targets leaves the library untouched here. libtorch brings
# its own libgomp, and libstdc++6 and libgcc-s1 are already in the image, so no apt step is needed.
FROM mcr.microsoft.com/dotnet/runtime:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./

# Workstation GC: tensors live in native memory, so the managed heap stays small. Server GC would
# keep a heap per core and collect less often, using memory that counts against the container limit.
# The worker writes the health status file only when Dcgan__Health__StatusFile is set, and the
# HEALTHCHECK below reads it.
ENV DOTNET_gcServer=0 \
    DCGAN_DATA_DIR=/data \
    Dcgan__Health__StatusFile=/tmp/dcgan-worker.health

# APP_UID (1654) is the non-root "app" user that the .NET images create. A numeric user lets
# Kubernetes verify runAsNonRoot.
USER $APP_UID

# Healthy while the status file was rewritten in the last 2 minutes and does not report
# Unhealthy. The worker rewrites it with the overall status (Healthy, Degraded or Unhealthy) after
# each health check run, every Dcgan__Health__Period (15 s by default). A hung process leaves the
# file stale, and a lost broker or storage connection shows as Unhealthy.
# NOTE: a Dcgan__Health__Period of 2 minutes or more fails this check, so widen -mmin with it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=2m --retries=3 \
    CMD [ -n "$(find "$Dcgan__Health__StatusFile" -mmin -2 2>/dev/null)" ] \
        && ! grep -qw Unhealthy "$Dcgan__Health__StatusFile"

ENTRYPOINT ["dotnet", "Dcgan.Worker.dll"]
