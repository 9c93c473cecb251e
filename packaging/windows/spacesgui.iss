; Inno Setup script: spacesgui-VERSION-setup.exe from the PyInstaller folder.
;
;   uv run pyinstaller --noconfirm --clean --distpath build\dist --workpath build\work packaging\spacesgui.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\spacesgui.iss
;
; AppVersion comes from pyproject.toml (the CI workflow reads it there and passes it in).
; Leaves dist\spacesgui-VERSION-setup.exe: a per-user install by default (no admin needed),
; a Start-menu entry, an optional desktop icon, and an uninstaller in Apps & features.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z packaging\windows\spacesgui.iss
#endif
#define AppName "spacesgui"
#define SourceDir "..\..\build\dist\spacesgui"

[Setup]
AppId={{5C3F3E0A-6E4B-4C55-9B8E-2E7D2C9A51D4}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The spacesgui developers
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
SetupIconFile=..\..\resources\app\spacesgui.ico
; The wizard shows the MIT licence; the bundle carries it too (Help > About shows it).
LicenseFile=..\..\LICENSE
UninstallDisplayIcon={app}\spacesgui.exe
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\..\resources\app\spacesgui.ico"; DestDir: "{app}"; Flags: ignoreversion
Source: "..\..\LICENSE"; DestDir: "{app}"; DestName: "LICENSE.txt"; Flags: ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\spacesgui.exe"; IconFilename: "{app}\spacesgui.ico"
Name: "{group}\{#AppName} demo"; Filename: "{app}\spacesgui.exe"; Parameters: "--demo"; IconFilename: "{app}\spacesgui.ico"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\spacesgui.exe"; IconFilename: "{app}\spacesgui.ico"; Tasks: desktopicon

[Run]
Filename: "{app}\spacesgui.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
