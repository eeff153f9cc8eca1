; Quaero Desktop for Windows: a per-user installer (no administrator rights needed).
;
; Built by packaging\windows\build-windows.ps1, which freezes the app first and passes:
;   iscc /DAppVersion=X.Y.Z /DBundleDir=<repo>\dist\quaero-desktop /DIconFile=<repo>\build\icons\quaero-desktop.ico
;        /DOutputDir=<repo>\dist packaging\windows\quaero-desktop.iss
; The version comes from quaero_desktop/__init__.py (the one version source).
;
; Installs into %LOCALAPPDATA%\Programs\Quaero Desktop, adds a Start-menu entry, and offers
; "start at login" (in the tray) and "add the command to PATH". The uninstaller removes the
; program and keeps the user's data (%LOCALAPPDATA%\quaero-desktop) unless the user asks.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (build-windows.ps1 reads it from quaero_desktop/__init__.py)
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\quaero-desktop"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\quaero-desktop.ico"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

#define AppName "Quaero Desktop"
; The window's executable (no console) and the command line's (a console program).
#define WindowExe "QuaeroDesktop.exe"
#define CommandExe "quaero-desktop.exe"
; The value under HKCU\...\Run that starts the app at login. The app's own "Start at login"
; setting must use the same name, so the two never disagree.
#define RunValueName "Quaero Desktop"
#define RunKey "Software\Microsoft\Windows\CurrentVersion\Run"
; Where the app keeps its data: platformdirs.user_data_dir("quaero-desktop") on Windows.
#define DataDir "{localappdata}\quaero-desktop"

[Setup]
; A fixed id: Windows recognises upgrades and the uninstaller by it. Never change it.
AppId={{7C4B2E1A-93D5-4F0E-8A61-5D2C9B4E7F30}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Quaero Desktop maintainers
VersionInfoVersion={#AppVersion}
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=quaero-desktop-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#WindowExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "startatlogin"; Description: "Start Quaero Desktop in the notification area when I log in"; GroupDescription: "Start-up:"; Flags: unchecked
Name: "addtopath"; Description: "Add the quaero-desktop command to my PATH"; GroupDescription: "Command line:"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: no module of the previous version is left behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#WindowExe}"; WorkingDir: "{%USERPROFILE}"; Comment: "Crawl websites into a local, searchable knowledge base"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#WindowExe}"; WorkingDir: "{%USERPROFILE}"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "{#RunKey}"; ValueType: string; ValueName: "{#RunValueName}"; ValueData: """{app}\{#WindowExe}"" --minimized"; Tasks: startatlogin; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NotOnPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\{#WindowExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
function UserPath(): String;
begin
  if not RegQueryStringValue(HKCU, 'Environment', 'Path', Result) then
    Result := '';
end;

function NotOnPath(Dir: String): Boolean;
begin
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(UserPath()) + ';') = 0;
end;

procedure RemoveFromPath(Dir: String);
var
  Path: String;
  Start: Integer;
begin
  Path := ';' + UserPath() + ';';
  Start := Pos(';' + Uppercase(Dir) + ';', Uppercase(Path));
  if Start = 0 then
    exit;
  Delete(Path, Start, Length(Dir) + 1);
  Path := Copy(Path, 2, Length(Path) - 2);
  RegWriteExpandStringValue(HKCU, 'Environment', 'Path', Path);
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    exit;
  RemoveFromPath(ExpandConstant('{app}'));
  // Also a login item the app's own "Start at login" setting wrote: it would start nothing now.
  RegDeleteValue(HKCU, '{#RunKey}', '{#RunValueName}');
  DataDir := ExpandConstant('{#DataDir}');
  // The data stays unless the user asks; a silent uninstall (an upgrade script) never asks.
  if DirExists(DataDir) and not UninstallSilent() then
    if MsgBox('Also delete your Quaero Desktop data?' + #13#10#13#10 +
              'Your crawl definitions, jobs, documents and settings in' + #13#10 + DataDir + #13#10 +
              'would be deleted for good. Saved logins stay in Windows Credential Manager ' +
              '(entries named quaero-desktop): delete them in Quaero Desktop before uninstalling, ' +
              'or in Credential Manager.' + #13#10#13#10 +
              'Choose No to keep them for a later installation.',
              mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
      DelTree(DataDir, True, True, True);
end;
