; Inno Setup script: a Windows installer for the one-folder bundle.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\psoas-timer.iss
;
; Run after PyInstaller has written dist\psoas-timer\ and packaging/icons.py
; has written build\icons\ (both relative to the repository root). The
; installer lands in dist\.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Psoas Timer"
#define AppExe "psoas-timer.exe"
#define AppUserModelId "io.github.psoas_timer.PsoasTimer"
#define Root SourcePath + "..\.."

[Setup]
; Never change AppId: Windows uses it to find an installed copy to upgrade.
AppId={{9B848609-5B75-4E5E-B401-248A3854E16F}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=psoas-timer developers
AppPublisherURL=https://github.com/psoas-timer/psoas-timer
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
; Per-user install by default (no administrator needed); the user may choose
; an install for everyone instead.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=psoas-timer-{#AppVersion}-windows-x64-setup
SetupIconFile={#Root}\build\icons\psoas-timer.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\dist\psoas-timer\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppUserModelId}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppUserModelId}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#StringChange(AppName, '&', '&&')}}"; Flags: nowait postinstall skipifsilent
