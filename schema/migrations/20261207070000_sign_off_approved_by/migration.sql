-- The second finance user who approved a sign-off (four eyes). Null for sign-offs made before it took two people.
-- AlterTable
ALTER TABLE "cycle_sign_off" ADD COLUMN     "approved_by" UUID;

