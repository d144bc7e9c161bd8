namespace Dcgan.Worker;

/// <summary>Where artifacts and user data sets are stored.</summary>
public sealed class StorageOptions : IOptionsSection
{
    /// <summary>Configuration section these options bind to.</summary>
    public const string SectionName = "Dcgan:Storage";

    /// <summary>Section of the Azure Blob Storage settings, read when <see cref="Kind"/> is "AzureBlob".</summary>
    public const string BlobSectionName = SectionName + ":Blob";

    /// <summary>Value of <see cref="Kind"/> for a local folder, the embedded-mode default.</summary>
    public const string LocalFolderKind = "LocalFolder";

    /// <summary>Value of <see cref="Kind"/> for Azure Blob Storage (or Azurite), configured in <see cref="BlobSectionName"/>.</summary>
    public const string AzureBlobKind = "AzureBlob";

    /// <summary>Store kind: "LocalFolder" (default) or "AzureBlob".</summary>
    [SettingOneOf(LocalFolderKind, AzureBlobKind)]
    public string Kind { get; set; } = LocalFolderKind;

    /// <summary>Root folder of the artifacts when <see cref="Kind"/> is "LocalFolder".</summary>
    [SettingRequired]
    public string LocalRoot { get; set; } = "./artifacts";

    /// <summary>
    /// Folder that replaces the data-set container when <see cref="Kind"/> is "LocalFolder". Blob-prefix and
    /// zip-blob data sets are read from below it.
    /// </summary>
    [SettingRequired]
    public string LocalDatasets { get; set; } = "./datasets";

    string IOptionsSection.SectionPath => SectionName;

    /// <summary>True when <see cref="Kind"/> selects Azure Blob Storage.</summary>
    internal bool UsesAzureBlob => string.Equals(Kind, AzureBlobKind, StringComparison.OrdinalIgnoreCase);
}
